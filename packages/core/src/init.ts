import { tf } from './tf.js';
import type { Rng } from '@ecamp/io/rng';

/** A parameter initialiser: returns a fresh float32 tensor of `shape`, drawing from `rng`. */
export type Initializer = (shape: number[], rng: Rng) => tf.Tensor;

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Glorot/Xavier uniform: U(-a, a), a = gain·sqrt(6 / (fanIn + fanOut)).
 * For a [in, out] weight fanIn = shape[0], fanOut = shape[1]; for a conv kernel
 * [kh, kw, in, out] the receptive field multiplies both.
 */
export function xavierUniform(shape: number[], rng: Rng, gain = 1): tf.Tensor {
  if (shape.length < 2) throw new Error(`xavierUniform: need rank >= 2, got shape [${shape}]`);
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = shape[shape.length - 2] * receptive;
  const fanOut = shape[shape.length - 1] * receptive;
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return tf.tensor(rng.uniformArray(size(shape), -a, a), shape, 'float32');
}

/**
 * Truncated normal N(mean, std²) redrawn outside [mean − 2·std, mean + 2·std].
 * (timm's `trunc_normal_(std=.02)` truncates at ±2 absolute, which for small std is
 * effectively an untruncated normal; truncating at ±2σ differs only in the far tails.)
 */
export function truncNormal(shape: number[], rng: Rng, std = 0.02, mean = 0): tf.Tensor {
  const n = size(shape);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    out[i] = mean + std * z;
  }
  return tf.tensor(out, shape, 'float32');
}

/** Uniform U(lo, hi). */
export function uniformInit(shape: number[], rng: Rng, lo: number, hi: number): tf.Tensor {
  return tf.tensor(rng.uniformArray(size(shape), lo, hi), shape, 'float32');
}

/** All zeros (float32). */
export function zeros(shape: number[]): tf.Tensor {
  return tf.zeros(shape, 'float32');
}

/** All ones (float32). */
export function ones(shape: number[]): tf.Tensor {
  return tf.ones(shape, 'float32');
}
