import { tf } from '../tf.js';
import { gatherRows } from './gather-rows.js';

/**
 * `x[begin:end:strides]` with a gradient (the `StridedSlice` kernel has none): the selected flat
 * indices are computed once in JavaScript and gathered, so the gradient is a scatter-add.
 * Positive strides only; `end` is exclusive and clamped to the shape.
 *
 * @param x [...shape]
 * @param begin per-axis start
 * @param end per-axis exclusive end
 * @param strides per-axis step (default 1)
 * @returns [...ceil((end − begin) / stride)]
 */
export function stridedSlice(x: tf.Tensor, begin: number[], end: number[], strides?: number[]): tf.Tensor {
  const rank = x.rank;
  if (begin.length !== rank || end.length !== rank || (strides !== undefined && strides.length !== rank)) {
    throw new Error(`stridedSlice: begin/end/strides must each have ${rank} entries`);
  }
  const st = strides ?? new Array<number>(rank).fill(1);
  const outShape: number[] = [];
  for (let a = 0; a < rank; a++) {
    if (!(st[a] > 0)) throw new Error(`stridedSlice: stride ${st[a]} on axis ${a} must be positive`);
    const e = Math.min(end[a], x.shape[a]);
    if (begin[a] < 0 || begin[a] > e) throw new Error(`stridedSlice: begin ${begin[a]} out of range on axis ${a}`);
    outShape.push(Math.ceil((e - begin[a]) / st[a]));
  }
  const total = outShape.reduce((p, q) => p * q, 1);
  const inStrides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) inStrides[a] = inStrides[a + 1] * x.shape[a + 1];
  const idx = new Int32Array(total);
  const counter = new Array<number>(rank).fill(0);
  for (let k = 0; k < total; k++) {
    let off = 0;
    for (let a = 0; a < rank; a++) off += (begin[a] + counter[a] * st[a]) * inStrides[a];
    idx[k] = off;
    for (let a = rank - 1; a >= 0; a--) {
      if (++counter[a] < outShape[a]) break;
      counter[a] = 0;
    }
  }
  return tf.tidy(() => tf.reshape(gatherRows(tf.reshape(x, [x.size]), tf.tensor1d(idx, 'int32')), outShape));
}
