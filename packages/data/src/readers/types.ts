/** Record and option types shared by the dataset readers. */
import type { ContextWindow } from '../synth/window.js';
import type { BadSampleLog, OnBadSample } from './bad-samples.js';

/** One image–report pair for pre-training. */
export interface PretrainRecord {
  /** Stable id (dicom id, file stem, uid_index …). */
  id: string;
  /** Absolute image path. */
  imagePath: string;
  /** Training text: FINDINGS + IMPRESSION, whitespace-normalised. */
  report: string;
  /** Entity-centred context (the authors' `llm_output`), when the source has one. */
  context?: string;
  /** Super-resolution context window (the authors' window CSV), when given. */
  window?: ContextWindow;
  /** Multi-hot labels, when the source has label columns. */
  labels?: number[];
  /** Where the record came from (for error messages). */
  origin: { file: string; line?: number };
}

/** Options every reader accepts. */
export interface ReaderOptions {
  /** `skip` (default): log and count bad rows; `fail`: throw naming file, line and field. */
  onBadSample?: OnBadSample;
  /** Log to count skips in (shared with the loader for one run summary); created when absent. */
  badSamples?: BadSampleLog;
  /** Check that every image file exists (default true). */
  checkImages?: boolean;
}
