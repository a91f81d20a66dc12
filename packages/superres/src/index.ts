/**
 * @ecamp/superres — context-guided super-resolution for ECAMP.ts: the attention-window
 * generator (integral-image choice over entity attention, window CSV, mapping through
 * crop/flip augmentation), the SR head and its windowed loss.
 */

/** Grid geometry, the (i, j) = (row, column) window convention and helpers. */
export {
  ECAMP_WINDOW_GEOMETRY,
  centredWindow,
  isValidWindow,
  positionsPerAxis,
  validateGeometry,
  viewSizePx,
  windowGeometryFor,
  windowPixelBox,
  type ContextWindow,
  type WindowGeometry,
  type WindowGeometryFor,
} from './window/grid.js';
/** Integral image and the largest-mass window choice. */
export { boxSum, integralImage, selectWindow, type WindowChoice } from './window/select.js';
/** Entity-attention map of one example on the patch grid. */
export { entityAttentionMap, type EntityMapOptions, type ExampleAttention, type UnseenCellFill } from './window/entity-map.js';
/** Batch-side selector with the no-entity fall-back and its counters. */
export { WindowSelector, type SelectedWindow, type WindowSelectionCounts, type WindowSource } from './window/selector.js';
/** Mapping a stored window through the crop/flip augmentation of the 448 view. */
export { mapWindowThroughCrop, type CropGeometry, type MappedWindow, type PixelBox } from './window/augment-map.js';
/** The authors' window CSV (`label_i`, `label_j`): reader and atomic writer. */
export { formatWindowCsv, parseWindowCsv, readWindowCsv, writeWindowCsv, type WindowCsvEntry, type WindowCsvRow } from './window/window-csv.js';
export { renderPanel, writePanelPng, type PanelImage, type PanelOptions, type RgbImage } from './picture/panel.js';
/** The SR head: bilinear ×s, conv3×3 → ReLU → conv3×3, residual, optional final ReLU. */
export { SR_FINAL_ACTIVATIONS, SrHead, type SrFinalActivation, type SrHeadOptions } from './head/sr-head.js';
/** The windowed SR loss and its per-pixel window mask. */
export { srWindowLoss, srWindowLossCropped, type SrLossOptions } from './loss/sr-loss.js';
export { windowMask } from './loss/window-mask.js';
/** Online window source: straight from the fusion layer's (detached) attention tensors. */
export { selectWindowsFromAttention, windowsOnly, type BatchAttention, type BatchRows } from './window/from-attention.js';
/** Offline window source: a pass over a checkpoint's attention for a dataset, written as the authors' CSV. */
export { offlineWindowPass, type OfflineWindowBatch, type OfflineWindowPassOptions, type OfflineWindowPassResult } from './window/offline-pass.js';
/** The picture of one SR example (input, target, output, window, attention). */
export { srExamplePanels, writeSrExamplePng, type SrExample, type SrExamplePictureOptions } from './picture/sr-example.js';
