import { tf } from '../tf.js';

/**
 * out[ids[k], :] += updates[k, :], into a zero table of `numRows` rows, in O(N·D).
 *
 * Why: wasm has no `UnsortedSegmentSum` and the cpu backend's takes minutes for a 30k-row
 * table. `ScatterNd` exists on every backend, sums duplicate ids and is linear in the updates
 * (plus the zero fill of the table), and it keeps the data on the backend. Ids are checked in
 * JavaScript first, because ScatterNd silently ignores or corrupts on out-of-range ids.
 *
 * @param ids int32 [N] (any shape; flattened)
 * @param updates float32 [N, D] (or [...ids.shape, D])
 * @param numRows R
 * @returns float32 [R, D]
 */
export function scatterAddRows(ids: tf.Tensor, updates: tf.Tensor, numRows: number): tf.Tensor {
  const n = ids.size;
  const d = n === 0 ? (updates.shape[updates.rank - 1] ?? 1) : updates.size / n;
  if (!Number.isInteger(d)) throw new Error(`scatterAddRows: updates [${updates.shape}] do not match ${n} ids`);
  if (n === 0) return tf.zeros([numRows, d]);
  const idv = ids.dataSync();
  for (let k = 0; k < n; k++) {
    const r = idv[k];
    if (r < 0 || r >= numRows) throw new Error(`scatterAddRows: id ${r} at position ${k} is outside [0, ${numRows})`);
  }
  return tf.tidy(() => tf.scatterND(tf.reshape(ids, [n, 1]), tf.reshape(updates, [n, d]), [numRows, d]));
}
