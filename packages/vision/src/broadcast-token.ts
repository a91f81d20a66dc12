/**
 * Repeats a learnable token `[1, 1, D]` to `[B, N, D]` with a cheap gradient.
 *
 * Why not `tf.tile` / `tf.broadcastTo`: both run the Tile kernel, whose TF.js gradient slices
 * and adds the upstream gradient once per repetition — for MAE's mask token at 224 px that is
 * 8·147 full-size slices and took >4 s per step on wasm. Adding to zeros broadcasts instead, and
 * the Add gradient is a single sum over the broadcast axes.
 */
import { tf } from '@ecamp/core';

/**
 * @param token [1, 1, D]
 * @returns [batch, count, D]
 */
export function broadcastToken(token: tf.Tensor, batch: number, count: number): tf.Tensor3D {
  if (token.rank !== 3 || token.shape[0] !== 1 || token.shape[1] !== 1) {
    throw new Error(`broadcastToken: token must be [1, 1, D], got [${token.shape}]`);
  }
  return tf.tidy(() => tf.add(tf.zeros([batch, count, token.shape[2]!]), token) as tf.Tensor3D);
}
