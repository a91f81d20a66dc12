import { tf } from '../tf.js';

/**
 * Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) — PyTorch's default `nn.GELU()` (not the tanh approximation).
 * @param x any shape
 * @returns same shape
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}
