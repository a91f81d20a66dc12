import { tf } from '../tf.js';
import { gatherRows } from './gather-rows.js';

/**
 * Top-k along the last axis with differentiable values (tfjs's `TopK` has no gradient): the indices
 * come from `tf.topk`, the values are re-gathered from `x` with a scatter-add gradient.
 *
 * @param x float32 [..., N]
 * @param k 1 ≤ k ≤ N
 * @returns values [..., k] (differentiable, sorted descending) and indices int32 [..., k]
 */
export function topK(x: tf.Tensor, k: number): { values: tf.Tensor; indices: tf.Tensor } {
  const n = x.shape[x.rank - 1];
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`topK: k=${k} must be in [1, ${n}]`);
  const rows = x.size / n;
  return tf.tidy(() => {
    const { indices } = tf.topk(tf.reshape(x, [rows, n]), k, true); // [rows, k]
    const offsets = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(n, 'int32')), [rows, 1]);
    const flat = tf.add(indices, offsets);
    const values = tf.reshape(gatherRows(tf.reshape(x, [rows * n, 1]), flat), [...x.shape.slice(0, -1), k]);
    return { values, indices: tf.reshape(indices, [...x.shape.slice(0, -1), k]) };
  });
}
