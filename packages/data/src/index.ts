/**
 * @ecamp/data — images (sharp, DICOM), dataset readers, the embedded synthetic
 * chest X-ray set and a prefetching loader. Nothing exported from this entry
 * point loads tensor code; `batchToTensors` lives in `@ecamp/data/tensors`.
 */

/** Seeded, serialisable RNG used by the loader and the synthetic set. */
export { SeededRng, deriveSeed, mix32, type RngState } from './rng.js';
/** Atomic file writes (temp + rename). */
export { atomicWriteFile } from './io/atomic.js';
/** CSV field quoting for writers. */
export { csvField, csvLine } from './io/csv-write.js';
/** SIIM-style run-length encoding of binary masks (column-major, relative starts). */
export { encodeSiimRle, decodeSiimRle } from './readers/rle.js';

/** Synthetic chest X-ray set: label names, prior, one sample in memory, a whole data set on disk. */
export { LABEL_NAMES, FINDING_PRIOR, sampleFindingSpecs, type LabelName, type FindingSpec, type Lobe, type Device } from './synth/prior.js';
/** One synthetic sample in memory (image, report, labels, masks, boxes, context window). */
export { synthesizeSample, synthId, type SynthSample, type SynthFinding, type SynthSampleOptions } from './synth/sample.js';
/** Writes a synthetic data set in the real data sets' file formats. */
export {
  synthesizeDataset,
  assignSplits,
  fractionSubset,
  type SynthesizeDatasetOptions,
  type SynthManifest,
} from './synth/dataset.js';
/** Radiology-style report writer used by the synthetic set. */
export { writeReport, type SynthReport } from './synth/report.js';
/** Ground-truth entity context (the synthetic `llm_output`). */
export { groundTruthContext } from './synth/context.js';
/** Super-resolution context window from finding masks. */
export { contextWindow, type ContextWindow } from './synth/window.js';
/** Box type `[x1, y1, x2, y2]` (pixels, x2/y2 exclusive). */
export type { Box } from './synth/findings.js';
