import { tf } from '../tf.js';

/**
 * out[ids[k], :] += updates[k, :], into a zero table of `numRows` rows — O(N·D) in JavaScript.
 *
 * Why: wasm has no `UnsortedSegmentSum` and the cpu backend's takes minutes for a 30k-row
 * table; a single pass over the updates is linear in their size. Ids out of range throw.
 *
 * @param ids int32 [N] (any shape; flattened)
 * @param updates float32 [N, D] (or [...ids.shape, D])
 * @param numRows R
 * @returns float32 [R, D]
 */
export function scatterAddRows(ids: tf.Tensor, updates: tf.Tensor, numRows: number): tf.Tensor {
  const n = ids.size;
  if (n === 0) return tf.zeros([numRows, updates.rank > 1 ? updates.shape[updates.rank - 1] : 1]);
  const d = updates.size / n;
  if (!Number.isInteger(d)) throw new Error(`scatterAddRows: updates [${updates.shape}] do not match ${n} ids`);
  const idv = ids.dataSync();
  const up = updates.dataSync() as Float32Array;
  const out = new Float32Array(numRows * d);
  for (let k = 0; k < n; k++) {
    const r = idv[k];
    if (r < 0 || r >= numRows) throw new Error(`scatterAddRows: id ${r} at position ${k} is outside [0, ${numRows})`);
    const o = r * d;
    const u = k * d;
    for (let j = 0; j < d; j++) out[o + j] += up[u + j];
  }
  return tf.tensor(out, [numRows, d], 'float32');
}
