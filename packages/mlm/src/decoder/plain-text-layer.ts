/**
 * A post-norm BERT layer (self-attention → add & LayerNorm → GELU MLP → add &
 * LayerNorm) built from core's layers. It is both the decoder's ordinary layer and the
 * first layer when fusion is ablated: it satisfies {@link FirstTextLayer} and ignores
 * the image inputs.
 *
 * Parameter names match the fusion layer's so checkpoints line up: `attn.qkv`,
 * `attn.proj`, `attn_norm`, `mlp.fc1`, `mlp.fc2`, `mlp_norm`.
 */
import { Dropout, LayerNorm, Mlp, Module, MultiHeadAttention, Rng, tf } from '@ecamp/core';
import type { FirstTextLayer, FirstTextLayerInput, FirstTextLayerOutput } from './first-layer.js';

/** Options of {@link PlainTextLayer}. */
export interface PlainTextLayerOptions {
  dim: number;
  numHeads: number;
  intermediate: number;
  /** LayerNorm epsilon (default 1e-12, BERT's). */
  eps?: number;
  /** Hidden dropout in training mode (default 0.1). */
  dropout?: number;
  /** Initialiser of the linear layers (default 'truncnormal', std 0.02 as BERT). */
  init?: 'xavier' | 'truncnormal';
  rng?: Rng;
}

/** Input of a plain layer: the image fields of {@link FirstTextLayerInput} are optional and ignored. */
export type PlainTextLayerInput = Pick<FirstTextLayerInput, 'hidden' | 'textMask'> & Partial<FirstTextLayerInput>;

/** Post-norm BERT transformer layer. */
export class PlainTextLayer extends Module implements FirstTextLayer {
  readonly dim: number;
  readonly attn: MultiHeadAttention;
  readonly attnNorm: LayerNorm;
  readonly mlp: Mlp;
  readonly mlpNorm: LayerNorm;
  private readonly drop: Dropout;

  constructor(opts: PlainTextLayerOptions) {
    super();
    const { dim, numHeads, intermediate } = opts;
    const rng = opts.rng ?? new Rng(0);
    const init = opts.init ?? 'truncnormal';
    const eps = opts.eps ?? 1e-12;
    this.dim = dim;
    this.attn = this.addModule('attn', new MultiHeadAttention(dim, numHeads, { init, rng: rng.fork('attn') }));
    this.attnNorm = this.addModule('attn_norm', new LayerNorm(dim, { eps }));
    this.mlp = this.addModule('mlp', new Mlp(dim, intermediate, { init, rng: rng.fork('mlp') }));
    this.mlpNorm = this.addModule('mlp_norm', new LayerNorm(dim, { eps }));
    this.drop = this.addModule('drop', new Dropout(opts.dropout ?? 0.1, rng.fork('dropout')));
  }

  /**
   * @param input.hidden [B, L, D]; input.textMask [B, L] (1 = real token)
   * @returns hidden [B, L, D]; never an attention map (it does not look at the image)
   */
  forward(input: PlainTextLayerInput): FirstTextLayerOutput {
    const { hidden, textMask } = input;
    if (hidden.rank !== 3 || hidden.shape[2] !== this.dim)
      throw new Error(`PlainTextLayer(${this.dim}): hidden must be [B, L, ${this.dim}], got [${hidden.shape}]`);
    if (textMask.rank !== 2 || textMask.shape[0] !== hidden.shape[0] || textMask.shape[1] !== hidden.shape[1]) {
      throw new Error(`PlainTextLayer: textMask must be [${hidden.shape[0]}, ${hidden.shape[1]}], got [${textMask.shape}]`);
    }
    const out = tf.tidy(() => {
      const self = this.attn.forward(hidden, { keyPaddingMask: textMask }).output;
      const h = this.attnNorm.forward(tf.add(hidden, this.drop.forward(self)));
      return this.mlpNorm.forward(tf.add(h, this.drop.forward(this.mlp.forward(h)))) as tf.Tensor3D;
    });
    return { hidden: out };
  }
}
