/**
 * @ecamp/data — images (sharp, DICOM), dataset readers, the embedded synthetic
 * chest X-ray set and a prefetching loader. Nothing exported from this entry
 * point loads tensor code; `batchToTensors` lives in `@ecamp/data/tensors`.
 */

/** SIIM-style run-length encoding of binary masks (column-major, relative starts). */
export { encodeSiimRle, decodeSiimRle } from './readers/rle.js';

/** Synthetic chest X-ray set: label names, prior, one sample in memory, a whole data set on disk. */
export { LABEL_NAMES, FINDING_PRIOR, sampleFindingSpecs, type LabelName, type FindingSpec, type Lobe, type Device } from './synth/prior.js';
/** One synthetic sample in memory (image, report, labels, masks, boxes, context window). */
export { synthesizeSample, synthId, type SynthSample, type SynthFinding, type SynthSampleOptions } from './synth/sample.js';
/** Writes a synthetic data set in the real data sets' file formats. */
export { synthesizeDataset, assignSplits, fractionSubset, type SynthesizeDatasetOptions, type SynthManifest } from './synth/dataset.js';
/** Radiology-style report writer used by the synthetic set. */
export { writeReport, type SynthReport } from './synth/report.js';
/** Ground-truth entity context (the synthetic `llm_output`). */
export { groundTruthContext } from './synth/context.js';
/** Super-resolution context window from finding masks. */
export { contextWindow, type ContextWindow } from './synth/window.js';
/** Box type `[x1, y1, x2, y2]` (pixels, x2/y2 exclusive). */
export type { Box } from './synth/findings.js';

/** Opening images (PNG 8/16-bit, JPEG, TIFF, GIF via sharp; DICOM via dicom-parser). */
export { openImage, type OpenedImage, type ImageInfo, type OpenImageOptions } from './image/source.js';
/** Image size limits (checked on the header, before decoding) and the error an unusable image raises. */
export { DEFAULT_IMAGE_LIMITS, ImageInputError, checkImageSize, type ImageLimits } from './image/limits.js';
/** DICOM decoding (uncompressed transfer syntaxes, modality + VOI window, MONOCHROME1 inversion). */
export { decodeDicom, isDicom, readDicomSize, UNCOMPRESSED_TRANSFER_SYNTAXES, type DicomImage } from './image/dicom.js';
/** Transform geometry: crop boxes, flips and mapping of points and boxes. */
export { sampleResizedCrop, centerCropBox, mapPoint, mapBox, type CropBox, type TransformGeometry } from './image/geometry.js';
/** Normalisation constants and the LUT writer into float32 NHWC buffers. */
export { PRETRAIN_NORM, DOWNSTREAM_NORM, normalizationLut, writeNormalized } from './image/normalize.js';
/** Pre-training and downstream transforms, and masks carried through a geometry. */
export {
  pretrainTransform,
  downstreamTransform,
  transformMask,
  centerCropForResize,
  type PretrainView,
  type PretrainTransformOptions,
  type DownstreamTransformOptions,
  type TransformResult,
} from './image/transforms.js';

/** Bad-sample policy (`skip` logs and counts by reason, `fail` throws naming file, line and field). */
export { BadSampleLog, BadSampleError, formatWhere, type OnBadSample, type BadSampleReason, type BadSampleWhere } from './readers/bad-samples.js';
/** CSV rows with line numbers and required-column checks. */
export { readCsvRows, type CsvRow } from './readers/csv-read.js';
/** Report text: FINDINGS + IMPRESSION extraction and whitespace normalisation. */
export { extractReportSections, joinSections, normalizeWhitespace, textProblem, type ReportSections } from './text/report.js';
/** Record types shared by the readers. */
export type { PretrainRecord, ReaderOptions } from './readers/types.js';
/** The authors' pre-training CSV (`img_path, report, llm_output`) with its window CSV. */
export { readAuthorsCsv, type AuthorsCsvOptions } from './readers/authors-csv.js';
/** MIMIC-CXR-JPG with reports, split and metadata CSVs (frontal views by default). */
export { readMimicCxr, mimicStudyDir, type MimicCxrOptions } from './readers/mimic-cxr.js';
/** IU X-ray / OpenI reports and image pairs. */
export { readIuXray, readIuXrayReports, type IuXrayOptions, type IuReport } from './readers/iu-xray.js';
/** FFA-IR fundus angiography image–report pairs. */
export { readFfaIr, type FfaIrOptions } from './readers/ffa-ir.js';
/** Downstream list files: classification lists, SIIM RLE, RSNA boxes, RIGA masks, fraction lists. */
export {
  readClassificationList,
  fractionListPath,
  readSiimCsv,
  siimRecordMask,
  readBoxCsv,
  readMaskCsv,
  type ClassificationRecord,
  type SiimRecord,
  type BoxRecord,
  type MaskRecord,
  type ListOptions,
} from './readers/downstream.js';
/** Segmentation images and masks as two folders, paired by file name (DRIVE, RIGA-style exports). */
export { readMaskFolder, leadingId, MASK_FOLDER_EXTENSIONS, type MaskFolderRecord, type MaskFolderOptions } from './readers/mask-folder.js';

/** The prefetching, seeded, resumable batch loader (typed arrays; tensors via `@ecamp/data/tensors`). */
export { Loader, classificationLoaderRecords, type Batch, type LoaderOptions, type LoaderRecord } from './loader/loader.js';
/** Loader position (epoch, index, RNG state) for checkpoints. */
export { epochOrder, sampleRng, validatePosition, type LoaderPosition } from './loader/position.js';

/** Contact sheet of synthetic samples with finding boxes. */
export { renderSampleSheet, SHEET_COLOURS, type SheetOptions } from './synth/sheet.js';
/** Synthetic samples in index order, optionally rendered on worker threads (identical output). */
export { samplesInOrder, workersAvailable, defaultWorkers } from './synth/pool.js';
