import type { ContextWindow } from '@ecamp/superres';

/**
 * One pre-training batch as the data side hands it to the trainer: pixels are
 * already decoded, augmented and normalised; text is raw (tokenisation and
 * masking happen in the trainer, where the tokenizer lives).
 */
export interface RawPretrainBatch {
  /** [B, 448, 448, 3] NHWC float32, normalised. */
  view448: Float32Array;
  size: number;
  ids: string[];
  reports: string[];
  /** Distilled entity context per report (absent: none known). */
  contexts: (string | undefined)[];
  /** SR windows mapped through the augmentation (from a window CSV), when known. */
  windows?: ContextWindow[];
}

/** Where pre-training batches come from (the data loader, or a test's fixed list). */
export interface PretrainBatchSource {
  /** The next batch; sources cycle over epochs themselves. */
  next(): Promise<RawPretrainBatch>;
  /** Serialisable position (epoch, index, RNG state) for checkpoints. */
  state(): unknown;
  /** Continue from a position {@link state} returned (before the first {@link next}); resuming needs it. */
  restore?(state: unknown): void;
  /** Samples skipped so far, by reason (bad files, unreadable rows). */
  skipped(): Record<string, number>;
  close(): Promise<void>;
}
