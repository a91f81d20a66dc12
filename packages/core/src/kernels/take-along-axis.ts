import { tf } from '../tf.js';
import { gatherRows } from './gather-rows.js';

/**
 * Per-sample gather on axis 1: out[b, k, ...] = x[b, idx[b, k], ...], with gradient to `x`
 * (GatherNd has no gradient on any backend). Used for MAE per-sample patch masking
 * (`torch.gather(x, 1, ids_keep[..., None].expand(...))`).
 *
 * @param x [B, N, ...rest]
 * @param idx int32 [B, K], values in [0, N)
 * @returns [B, K, ...rest]
 */
export function takeAlongAxis1(x: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  if (idx.rank !== 2 || idx.shape[0] !== x.shape[0]) {
    throw new Error(`takeAlongAxis1: idx must be [B=${x.shape[0]}, K], got [${idx.shape}]`);
  }
  const [b, n] = x.shape;
  const rest = x.shape.slice(2);
  return tf.tidy(() => {
    const offsets = tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(n, 'int32')).reshape([b, 1]);
    const flat = tf.add(idx.toInt(), offsets);
    return gatherRows(tf.reshape(x, [b * n, ...rest]), flat);
  });
}
