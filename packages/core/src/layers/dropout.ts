import { tf } from '../tf.js';
import { Module } from '../module.js';
import type { Rng } from '@ecamp/io/rng';

/**
 * Inverted dropout: in training each element is zeroed with probability `p` and the rest scaled
 * by 1/(1−p); identity in eval mode or when p = 0. The mask is drawn from `rng` (deterministic).
 */
export class Dropout extends Module {
  constructor(
    readonly p: number,
    private readonly rng: Rng,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
    this.addRng('rng', rng); // its stream position goes into checkpoints
  }

  /** @param x any shape @returns same shape */
  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() < keep ? 1 / keep : 0;
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
  }
}
