/**
 * ECAMP's multi-scale context-fusion layer: the first layer of the text decoder.
 *
 * Post-norm (BERT) layer with three sub-layers, on text hidden states h [B, L, D]:
 *   1. h1 = LN_attn(h + Drop(SelfAttn(h, key padding = textMask)))
 *   2. h2 = LN_cross(h1 + Drop(CrossAttn(q = h1, k = v = patches) + W_p·pooled))
 *        fine scale: text queries attend to the visible image patch tokens [B, M, D'];
 *        coarse scale: the pooled image token [B, D'] projected to D, broadcast over L.
 *   3. out = LN_mlp(h2 + Drop(Mlp(h2)))
 * The variant (`variant.ts`) drops either image term, or the whole middle sub-layer.
 *
 * It satisfies `@ecamp/mlm`'s `FirstTextLayer` structurally (no import of mlm).
 * Parameter names: `attn.qkv`, `attn.proj`, `attn_norm`, `cross.q`, `cross.kv`,
 * `cross.proj`, `pooled_proj`, `cross_norm`, `mlp.fc1`, `mlp.fc2`, `mlp_norm`
 * (each `.weight`/`.bias`; Linear weights [in, out]). Attention-probability dropout is
 * not applied (core's attention has none); hidden dropout is.
 */
import { Dropout, LayerNorm, Linear, Mlp, Module, MultiHeadAttention, Rng, tf } from '@ecamp/core';
import { usesPatches, usesPooled, type FusionVariant } from './variant.js';

/** Options of {@link ContextFusionLayer}. */
export interface ContextFusionLayerOptions {
  /** Text hidden width D (paper: 768). */
  dim: number;
  /** Attention heads (paper: 6 — note 768/6 = 128 per head). */
  numHeads: number;
  /** Feed-forward width (paper: 1536). */
  intermediate: number;
  /** Width D' of the image tokens entering the layer (default D). */
  imageDim?: number;
  /** Which image terms to add (default `patches+pooled`). */
  variant?: FusionVariant;
  /** LayerNorm epsilon (default 1e-12, BERT's). */
  eps?: number;
  /** Hidden dropout probability in training mode (default 0.1, BERT's). */
  dropout?: number;
  /** Weight initialiser of the linear layers (default 'truncnormal', std 0.02 as BERT). */
  init?: 'xavier' | 'truncnormal';
  /** Random source for initialisation and dropout (default `new Rng(0)`). */
  rng?: Rng;
}

/** Input of {@link ContextFusionLayer.forward} (the `FirstTextLayerInput` of `@ecamp/mlm`). */
export interface ContextFusionInput {
  /** Text hidden states [B, L, D]. */
  hidden: tf.Tensor3D;
  /** Text key-padding mask [B, L]: 1 = real token, 0 = padding. */
  textMask: tf.Tensor2D;
  /** Visible image patch tokens [B, M, D']. */
  patches: tf.Tensor3D;
  /** Pooled (mean) image token [B, D']. */
  pooled: tf.Tensor2D;
  /** Also return the text→image attention probabilities. */
  returnAttention?: boolean;
}

/** Output of {@link ContextFusionLayer.forward}. */
export interface ContextFusionOutput {
  /** New text hidden states [B, L, D]. */
  hidden: tf.Tensor3D;
  /** Text→image attention [B, H, L, M] (rows sum to 1 over M), when asked and the variant cross-attends. */
  attention?: tf.Tensor4D;
}

/** The context-fusion layer; see the file comment for the maths and parameter names. */
export class ContextFusionLayer extends Module {
  readonly dim: number;
  readonly imageDim: number;
  readonly numHeads: number;
  readonly variant: FusionVariant;
  readonly attn: MultiHeadAttention;
  readonly attnNorm: LayerNorm;
  readonly cross?: MultiHeadAttention;
  readonly pooledProj?: Linear;
  readonly crossNorm?: LayerNorm;
  readonly mlp: Mlp;
  readonly mlpNorm: LayerNorm;
  private readonly drop: Dropout;

  constructor(opts: ContextFusionLayerOptions) {
    super();
    const { dim, numHeads, intermediate } = opts;
    for (const [k, v] of Object.entries({ dim, numHeads, intermediate, imageDim: opts.imageDim ?? dim })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`ContextFusionLayer: ${k} must be a positive integer, got ${v}`);
    }
    const rng = opts.rng ?? new Rng(0);
    const init = opts.init ?? 'truncnormal';
    const eps = opts.eps ?? 1e-12;
    this.dim = dim;
    this.numHeads = numHeads;
    this.imageDim = opts.imageDim ?? dim;
    this.variant = opts.variant ?? 'patches+pooled';
    this.attn = this.addModule('attn', new MultiHeadAttention(dim, numHeads, { init, rng: rng.fork('attn') }));
    this.attnNorm = this.addModule('attn_norm', new LayerNorm(dim, { eps }));
    if (usesPatches(this.variant)) {
      this.cross = this.addModule('cross', new MultiHeadAttention(dim, numHeads, { kvDim: this.imageDim, init, rng: rng.fork('cross') }));
    }
    if (usesPooled(this.variant)) {
      this.pooledProj = this.addModule('pooled_proj', new Linear(this.imageDim, dim, { init, rng: rng.fork('pooled_proj') }));
    }
    if (this.variant !== 'none') this.crossNorm = this.addModule('cross_norm', new LayerNorm(dim, { eps }));
    this.mlp = this.addModule('mlp', new Mlp(dim, intermediate, { init, rng: rng.fork('mlp') }));
    this.mlpNorm = this.addModule('mlp_norm', new LayerNorm(dim, { eps }));
    this.drop = this.addModule('drop', new Dropout(opts.dropout ?? 0.1, rng.fork('dropout')));
  }

  /** True when this layer's variant can return text→image attention. */
  get attendsToImage(): boolean {
    return this.cross !== undefined;
  }

  private checkInput(input: ContextFusionInput): void {
    const { hidden, textMask, patches, pooled } = input;
    const where = `ContextFusionLayer(dim ${this.dim}, imageDim ${this.imageDim})`;
    if (hidden.rank !== 3 || hidden.shape[2] !== this.dim) throw new Error(`${where}: hidden must be [B, L, ${this.dim}], got [${hidden.shape}]`);
    const [b, l] = hidden.shape;
    if (textMask.rank !== 2 || textMask.shape[0] !== b || textMask.shape[1] !== l) {
      throw new Error(`${where}: textMask must be [${b}, ${l}], got [${textMask.shape}]`);
    }
    if (this.cross && (patches.rank !== 3 || patches.shape[0] !== b || patches.shape[2] !== this.imageDim)) {
      throw new Error(`${where}: patches must be [${b}, M, ${this.imageDim}], got [${patches.shape}]`);
    }
    if (this.pooledProj && (pooled.rank !== 2 || pooled.shape[0] !== b || pooled.shape[1] !== this.imageDim)) {
      throw new Error(`${where}: pooled must be [${b}, ${this.imageDim}], got [${pooled.shape}]`);
    }
  }

  /**
   * One layer pass.
   * @returns hidden [B, L, D]; attention [B, H, L, M] when `returnAttention` and the variant cross-attends
   */
  forward(input: ContextFusionInput): ContextFusionOutput {
    this.checkInput(input);
    return tf.tidy(() => {
      const mask = input.textMask.dtype === 'float32' ? input.textMask : tf.cast(input.textMask, 'float32');
      const self = this.attn.forward(input.hidden, { keyPaddingMask: mask }).output;
      let h = this.attnNorm.forward(tf.add(input.hidden, this.drop.forward(self)));
      let attention: tf.Tensor4D | undefined;
      if (this.variant !== 'none') {
        let image: tf.Tensor | undefined;
        if (this.cross) {
          const c = this.cross.forward(h, { context: input.patches, returnAttention: input.returnAttention });
          image = c.output;
          attention = c.attention as tf.Tensor4D | undefined;
        }
        if (this.pooledProj) {
          // [B, D] → [B, 1, D]: the coarse-scale term is the same at every text position.
          const coarse = tf.expandDims(this.pooledProj.forward(input.pooled), 1);
          image = image ? tf.add(image, coarse) : coarse;
        }
        h = this.crossNorm!.forward(tf.add(h, this.drop.forward(image!)));
      }
      const out = this.mlpNorm.forward(tf.add(h, this.drop.forward(this.mlp.forward(h)))) as tf.Tensor3D;
      return attention ? { hidden: out, attention } : { hidden: out };
    });
  }
}
