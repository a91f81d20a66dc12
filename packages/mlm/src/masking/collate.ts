/** Stacking prepared MLM examples into flat row-major [B, L] arrays. */
import type { MlmExample } from './prepare-example.js';

/** A batch of MLM examples, flat row-major. */
export interface MlmBatch {
  batchSize: number;
  seqLength: number;
  /** [B·L] int32 (row b at b·L). */
  inputIds: Int32Array;
  /** [B·L] int32, −100 where no loss is taken (see `lossPositions`). */
  labels: Int32Array;
  /** [B·L] float32 loss weights. */
  weights: Float32Array;
  /** [B·L] int32, 1 on real tokens. */
  attentionMask: Int32Array;
  /** Per example: token indices of entity words. */
  entityPositions: number[][];
}

/** Collate examples of equal length L into one batch; throws naming the odd example. */
export function collateMlmBatch(examples: readonly MlmExample[]): MlmBatch {
  if (examples.length === 0) throw new Error('collateMlmBatch: empty batch');
  const L = examples[0].inputIds.length;
  const B = examples.length;
  const inputIds = new Int32Array(B * L);
  const labels = new Int32Array(B * L);
  const weights = new Float32Array(B * L);
  const attentionMask = new Int32Array(B * L);
  examples.forEach((ex, b) => {
    for (const [field, arr] of Object.entries({ inputIds: ex.inputIds, labels: ex.labels, weights: ex.weights, attentionMask: ex.attentionMask })) {
      if (arr.length !== L) throw new Error(`collateMlmBatch: example ${b} has ${field} of length ${arr.length}, expected ${L}`);
    }
    inputIds.set(ex.inputIds, b * L);
    labels.set(ex.labels, b * L);
    weights.set(ex.weights, b * L);
    attentionMask.set(ex.attentionMask, b * L);
  });
  return { batchSize: B, seqLength: L, inputIds, labels, weights, attentionMask, entityPositions: examples.map((e) => e.entityPositions.slice()) };
}
