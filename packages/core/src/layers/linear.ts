import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '@ecamp/io/rng';
import { truncNormal, xavierUniform, type Initializer } from '../init.js';
import { linear } from '../kernels/linear.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialiser: 'xavier' (uniform, MAE's choice; default), 'truncnormal' (std 0.02), or a function. */
  init?: 'xavier' | 'truncnormal' | Initializer;
  /** Random source for the initialiser (default `new Rng(0)`; pass one for distinct layers). */
  rng?: Rng;
}

/**
 * Fully connected layer y = x·W + b. Parameters: `weight` [in, out] (TF layout — PyTorch stores
 * [out, in]; convert with `torchLinearToTf`), `bias` [out] (zeros).
 *
 * @example
 * const fc = new Linear(192, 768, { rng });
 * const y = fc.forward(x); // x [B, N, 192] → y [B, N, 768]
 */
export class Linear extends Module {
  /** [in, out] */
  readonly weight: tf.Variable;
  /** [out] or undefined */
  readonly bias?: tf.Variable;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    const rng = opts.rng ?? new Rng(0);
    const init = opts.init ?? 'xavier';
    const shape = [inFeatures, outFeatures];
    const w = init === 'xavier' ? xavierUniform(shape, rng) : init === 'truncnormal' ? truncNormal(shape, rng, 0.02) : init(shape, rng);
    this.weight = this.addParameter('weight', w);
    if (opts.bias ?? true) this.bias = this.addParameter('bias', tf.zeros([outFeatures]));
  }

  /** @param x [..., in] @returns [..., out] */
  forward(x: tf.Tensor): tf.Tensor {
    return linear(x, this.weight, this.bias);
  }
}
