import { tf } from '../tf.js';
import { Module } from '../module.js';

/**
 * Base of the normalisation layers with a learnable per-feature affine (PyTorch's
 * `elementwise_affine=True` / `affine=True`): parameters `weight` γ (ones) and `bias` β (zeros),
 * both [features] and not weight-decayed, and a variance epsilon (default 1e-5, PyTorch's).
 * {@link LayerNorm} is one; a subclass adds its statistics and `forward`.
 *
 * @example
 * class InstanceNorm2d extends AffineNorm {
 *   constructor(readonly channels: number) { super(channels); }
 *   forward(x: tf.Tensor4D): tf.Tensor4D {
 *     return tf.tidy(() => {
 *       const { mean, variance } = tf.moments(x, [1, 2], true);
 *       return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.eps))), this.weight), this.bias);
 *     });
 *   }
 * }
 */
export abstract class AffineNorm extends Module {
  /** [features] scale γ */
  readonly weight: tf.Variable;
  /** [features] shift β */
  readonly bias: tf.Variable;
  /** Variance epsilon. */
  readonly eps: number;

  /** Registers `weight` and `bias` ([features]) first, before anything the subclass adds. */
  protected constructor(features: number, eps?: number) {
    super();
    this.eps = eps ?? 1e-5;
    this.weight = this.addParameter('weight', tf.ones([features]), { decay: false });
    this.bias = this.addParameter('bias', tf.zeros([features]), { decay: false });
  }
}
