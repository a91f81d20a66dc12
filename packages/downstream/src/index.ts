/**
 * @ecamp/downstream — the paper's downstream evaluation protocol (method.md §8):
 * metrics, classification (fine-tune and linear probe), segmentation and detection heads.
 */
export { auroc, multiLabelAuroc } from './metrics/auroc.js';
export { accuracy, argmaxRows, binaryAccuracy, topOneAccuracy } from './metrics/accuracy.js';
export { classReport, confusionMatrix, quadraticWeightedKappa, type ClassReport } from './metrics/confusion-matrix.js';
export { dice, overlapCounts, perImageDice, type MaskMetricOptions, type PerImageScores } from './metrics/dice.js';
export { boxIou, perImageMaskIou } from './metrics/iou.js';
export { checkBox, type Box } from './metrics/box.js';
export {
  averagePrecision,
  detectionMap,
  precisionRecallCurve,
  RSNA_IOU_THRESHOLDS,
  type ApInterpolation,
  type ApOptions,
  type ImageDetections,
} from './metrics/detection-map.js';
