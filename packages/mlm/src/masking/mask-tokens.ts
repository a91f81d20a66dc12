/**
 * Choosing which tokens to mask (method §3 and the BERT baseline).
 *
 * Entity-aware masking is whole-word: one draw per word, and all its pieces follow.
 * Probabilities: entity words 0.75; in `paper` mode their descriptors too (the
 * paper's intent), in `authors-code` mode descriptors take the ordinary draw (their
 * loop order); other words 0.70; every word of a report without entities 0.75. Chosen
 * tokens become `[MASK]`. `[CLS]`, padding and other special tokens are never masked.
 *
 * `random` is the ablation baseline: each real token independently with p = 0.15,
 * then BERT's 80 % `[MASK]` / 10 % random token / 10 % unchanged.
 */
import type { TextRng } from '../text/context-insertion.js';
import type { TokenAnalysis } from './analyse-tokens.js';

/** How descriptors are masked: see the file comment. */
export type MaskingMode = 'paper' | 'authors-code' | 'random';

/** Every {@link MaskingMode}, for validating configuration (e.g. a schema's enum). */
export const MASKING_MODES: readonly MaskingMode[] = Object.freeze(['paper', 'authors-code', 'random']);

/** Masking probabilities. */
export interface MaskProbabilities {
  /** Entity words (and descriptors in `paper` mode). Default 0.75. */
  entity: number;
  /** Other words when the report has entities. Default 0.70. */
  other: number;
  /** Every word of a report without entities. Default 0.75. */
  noEntity: number;
  /** Per-token probability of the `random` baseline. Default 0.15. */
  random: number;
}

/** The paper's probabilities. */
export const DEFAULT_MASK_PROBABILITIES: Readonly<MaskProbabilities> = Object.freeze({
  entity: 0.75,
  other: 0.7,
  noEntity: 0.75,
  random: 0.15,
});

/** Masked input and labels of one row. */
export interface MaskResult {
  /** [L] ids with masked tokens replaced. */
  inputIds: Int32Array;
  /** [L] original id at masked positions, −100 elsewhere. */
  labels: Int32Array;
}

/** Ignore index of the labels (PyTorch's default). */
export const IGNORE_INDEX = -100;

/** Entity-aware whole-word masking of one encoded row. */
export function maskEntityAware(
  ids: Int32Array,
  analysis: TokenAnalysis,
  rng: TextRng,
  maskId: number,
  mode: 'paper' | 'authors-code',
  probs: Partial<MaskProbabilities> = {},
): MaskResult {
  const p = { ...DEFAULT_MASK_PROBABILITIES, ...probs };
  const inputIds = ids.slice();
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  analysis.words.forEach((span, w) => {
    let prob: number;
    if (!analysis.hasEntity) prob = p.noEntity;
    else if (analysis.entityWord[w] || (mode === 'paper' && analysis.descriptorWord[w])) prob = p.entity;
    else prob = p.other;
    if (rng.uniform() < prob) {
      for (let i = span.start; i < span.end; i++) {
        labels[i] = ids[i];
        inputIds[i] = maskId;
      }
    }
  });
  return { inputIds, labels };
}

/**
 * BERT's random masking of the real, non-special tokens: p per token, then 80/10/10.
 * `maskable[i]` = 1 marks positions that may be chosen; random replacements are drawn
 * from ids `firstRegularId..vocabSize−1` (after the special tokens).
 */
export function maskRandom(
  ids: Int32Array,
  maskable: ArrayLike<number>,
  rng: TextRng,
  maskId: number,
  vocabSize: number,
  firstRegularId: number,
  p = DEFAULT_MASK_PROBABILITIES.random,
): MaskResult {
  const inputIds = ids.slice();
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  const span = vocabSize - firstRegularId;
  if (span <= 0) throw new Error(`maskRandom: no regular tokens (vocabSize ${vocabSize}, firstRegularId ${firstRegularId})`);
  for (let i = 0; i < ids.length; i++) {
    if (!maskable[i] || !(rng.uniform() < p)) continue;
    labels[i] = ids[i];
    const r = rng.uniform();
    if (r < 0.8) inputIds[i] = maskId;
    else if (r < 0.9) inputIds[i] = firstRegularId + rng.int(span);
  }
  return { inputIds, labels };
}
