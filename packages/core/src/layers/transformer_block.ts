import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '../rng.js';
import { LayerNorm } from './layer_norm.js';
import { MultiHeadAttention } from './attention.js';
import { Mlp } from './mlp.js';
import type { LinearOptions } from './linear.js';

/** Options of {@link TransformerBlock}. */
export interface TransformerBlockOptions {
  /** MLP hidden = dim·mlpRatio (default 4). */
  mlpRatio?: number;
  /** Bias on q/k/v (default true). */
  qkvBias?: boolean;
  /** LayerNorm eps (default 1e-6, as timm ViT / MAE). */
  eps?: number;
  /** Projection init (default xavier, as MAE). */
  init?: LinearOptions['init'];
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * Pre-norm timm ViT `Block`: x + attn(norm1(x)), then x + mlp(norm2(x)).
 * Parameter names `norm1`, `attn.qkv`, `attn.proj`, `norm2`, `mlp.fc1`, `mlp.fc2`.
 *
 * @example new TransformerBlock(192, 3, { rng }).forward(x) // [B, N, 192] → [B, N, 192]
 */
export class TransformerBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly norm2: LayerNorm;
  readonly mlp: Mlp;

  constructor(
    readonly dim: number,
    readonly numHeads: number,
    opts: TransformerBlockOptions = {},
  ) {
    super();
    const rng = opts.rng ?? new Rng(0);
    const eps = opts.eps ?? 1e-6;
    this.norm1 = this.addModule('norm1', new LayerNorm(dim, { eps }));
    this.attn = this.addModule(
      'attn',
      new MultiHeadAttention(dim, numHeads, { qkvBias: opts.qkvBias ?? true, init: opts.init, rng: rng.fork('attn') }),
    );
    this.norm2 = this.addModule('norm2', new LayerNorm(dim, { eps }));
    this.mlp = this.addModule(
      'mlp',
      new Mlp(dim, Math.round(dim * (opts.mlpRatio ?? 4)), { init: opts.init, rng: rng.fork('mlp') }),
    );
  }

  /**
   * @param x [B, N, dim]
   * @param opts.keyPaddingMask [B, N], 1 = keep, 0 = padding
   * @returns [B, N, dim]
   */
  forward(x: tf.Tensor, opts: { keyPaddingMask?: tf.Tensor } = {}): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.forward(this.norm1.forward(x), { keyPaddingMask: opts.keyPaddingMask }).output);
      return tf.add(h, this.mlp.forward(this.norm2.forward(h)));
    });
  }
}
