import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '@ecamp/io/rng';
import { gelu } from '../kernels/gelu.js';
import { Linear, type LinearOptions } from './linear.js';

/** Options of {@link Mlp}. */
export interface MlpOptions {
  /** Activation: exact 'gelu' (default) or 'relu'. */
  act?: 'gelu' | 'relu';
  /** Output width (default = input dim). */
  outDim?: number;
  /** Weight init of both layers (default xavier). */
  init?: LinearOptions['init'];
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * timm `Mlp`: fc1 → GELU → fc2. Parameters `fc1.weight` [dim, hidden], `fc2.weight` [hidden, out].
 * @example new Mlp(192, 768, { rng }).forward(x) // [..., 192] → [..., 192]
 */
export class Mlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly act: 'gelu' | 'relu';

  constructor(dim: number, hidden: number, opts: MlpOptions = {}) {
    super();
    const rng = opts.rng ?? new Rng(0);
    this.act = opts.act ?? 'gelu';
    this.fc1 = this.addModule('fc1', new Linear(dim, hidden, { rng: rng.fork('fc1'), init: opts.init }));
    this.fc2 = this.addModule('fc2', new Linear(hidden, opts.outDim ?? dim, { rng: rng.fork('fc2'), init: opts.init }));
  }

  /** @param x [..., dim] @returns [..., outDim] */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const h = this.fc1.forward(x);
      return this.fc2.forward(this.act === 'gelu' ? gelu(h) : tf.relu(h));
    });
  }
}
