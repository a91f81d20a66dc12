import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '@ecamp/io/rng';
import { uniformInit } from '../init.js';
import { conv2d, type Conv2dPadding } from '../kernels/conv2d.js';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions {
  /** Stride (default 1). */
  stride?: number;
  /** 'same' (default), 'valid' or a symmetric pixel count. */
  padding?: Conv2dPadding;
  /** Add a bias (default true). */
  bias?: boolean;
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * 2-D convolution, NHWC. Parameters `weight` [kh, kw, in, out] (PyTorch stores [out, in, kh, kw]:
 * permute with `torchConvToTf`) and `bias` [out]. Initialised like PyTorch's default
 * (uniform ±1/√fanIn). Trains on wasm through an im2col filter gradient.
 *
 * @example new Conv2d(3, 64, 3, { rng }).forward(img) // [B, H, W, 3] → [B, H, W, 64]
 */
export class Conv2d extends Module {
  /** [kh, kw, in, out] */
  readonly weight: tf.Variable;
  /** [out] or undefined */
  readonly bias?: tf.Variable;
  readonly stride: number;
  readonly padding: Conv2dPadding;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernel: number | [number, number],
    opts: Conv2dLayerOptions = {},
  ) {
    super();
    const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
    const rng = opts.rng ?? new Rng(0);
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 'same';
    const bound = 1 / Math.sqrt(inChannels * kh * kw);
    this.weight = this.addParameter('weight', uniformInit([kh, kw, inChannels, outChannels], rng, -bound, bound));
    if (opts.bias ?? true) this.bias = this.addParameter('bias', uniformInit([outChannels], rng, -bound, bound));
  }

  /** @param x [B, H, W, in] @returns [B, Ho, Wo, out] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return conv2d(x, this.weight as tf.Tensor as tf.Tensor4D, this.bias as tf.Tensor1D | undefined, {
      stride: this.stride,
      padding: this.padding,
    });
  }
}
