import type { tf } from '../tf.js';
import { AffineNorm } from './affine-norm.js';
import { layerNorm } from '../kernels/layer-norm.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Variance epsilon (default 1e-5, PyTorch's; timm ViT/MAE use 1e-6). */
  eps?: number;
}

/**
 * Layer normalisation over the last axis, PyTorch semantics (biased variance, eps inside the sqrt).
 * Parameters `weight` (ones) and `bias` (zeros), both [dim], not weight-decayed (see {@link AffineNorm}).
 *
 * @example
 * const norm = new LayerNorm(192, { eps: 1e-6 });
 * norm.forward(x); // [..., 192] → [..., 192]
 */
export class LayerNorm extends AffineNorm {
  constructor(
    readonly dim: number,
    opts: LayerNormOptions = {},
  ) {
    super(dim, opts.eps);
  }

  /** @param x [..., dim] @returns [..., dim] */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.dim) throw new Error(`LayerNorm(${this.dim}): input [${x.shape}]`);
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
