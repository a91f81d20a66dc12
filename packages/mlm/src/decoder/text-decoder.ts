/**
 * The BERT-style text decoder of ECAMP's MLM branch (method §3 and §6): embeddings, a
 * first layer supplied by the caller (the context-fusion layer, or a plain layer when
 * fusion is ablated), N − 1 plain post-norm layers, and the MLM head.
 *
 * The MLM loss is per-token cross-entropy × weight over the masked tokens. Only the
 * masked rows go through the vocabulary projection (K ≪ B·L rows of V = 30k), and the
 * cross-entropy uses integer labels, so no [B·L, V] one-hot or logits tensor exists.
 * Reductions: `weighted-mean` (default) Σ w·CE / Σ w over masked real tokens;
 * `authors` Σ w·CE over every labelled position / (B·L). With labels at masked positions
 * only, unlabelled positions add 0 but count in the mean; with the authors' labels (the
 * original id at every position, `prepareMlmExample`'s `lossPositions: 'all'`) every row
 * goes through the vocabulary projection and the loss is their `(CE · w).mean()` exactly.
 */
import { gatherRows, Module, ModuleList, Rng, tf } from '@ecamp/core';
import type { TextDecoderConfig } from './config.js';
import { TextEmbeddings } from './embeddings.js';
import type { FirstTextLayer } from './first-layer.js';
import { MlmHead } from './mlm-head.js';
import { PlainTextLayer } from './plain-text-layer.js';

/** Image inputs of the decoder. */
export interface DecoderImageInput {
  /** Visible image patch tokens [B, M, D']. */
  patches: tf.Tensor3D;
  /** Pooled image token [B, D']. */
  pooled: tf.Tensor2D;
}

/** Input of {@link TextDecoder.forward}. */
export interface TextDecoderInput {
  /** int32 [B, L] (masked) token ids. */
  inputIds: tf.Tensor2D;
  /** [B, L] 1 = real token, 0 = padding (int32 or float32). */
  attentionMask: tf.Tensor2D;
  /** int32 [B, L] (default zeros). */
  tokenTypeIds?: tf.Tensor2D;
  /** Image tokens; optional only when the first layer ignores the image (a {@link PlainTextLayer}). */
  image?: DecoderImageInput;
  /** Return the first layer's text→image attention [B, H, L, M]. */
  returnAttention?: boolean;
  /** Also compute full logits [B, L, V] (memory: B·L·V floats). Default false. */
  returnLogits?: boolean;
}

/** Output of {@link TextDecoder.forward}. */
export interface TextDecoderOutput {
  /** Last hidden states [B, L, D]. */
  hidden: tf.Tensor3D;
  /** [B, L, V] when `returnLogits`. */
  logits?: tf.Tensor3D;
  /** [B, H, L, M] when `returnAttention` and the first layer attends to the image. */
  attention?: tf.Tensor4D;
}

/** How {@link TextDecoder.loss} reduces the weighted per-token losses. */
export type MlmLossReduction = 'weighted-mean' | 'authors';

/** Input of {@link TextDecoder.loss}: the forward input plus targets. */
export interface TextDecoderLossInput extends Omit<TextDecoderInput, 'returnLogits'> {
  /** [B, L] original ids at the positions that enter the loss, negative (−100) elsewhere (tensor or row-major array). */
  labels: tf.Tensor | Int32Array;
  /** [B, L] per-token loss weights (tensor or row-major array). */
  weights: tf.Tensor | Float32Array;
  /** Default `weighted-mean`. */
  reduction?: MlmLossReduction;
}

/** Output of {@link TextDecoder.loss}. */
export interface TextDecoderLossOutput {
  /** Scalar loss (differentiable w.r.t. every decoder parameter). */
  loss: tf.Scalar;
  /** Number K of masked tokens that entered the loss. */
  maskedTokens: number;
  /** Σ w over those tokens. */
  weightSum: number;
  /** [B, H, L, M] when asked for and available. */
  attention?: tf.Tensor4D;
}

/** Options of {@link TextDecoder}. */
export interface TextDecoderOptions {
  /**
   * The first layer (a core Module satisfying {@link FirstTextLayer}, width `config.dim`):
   * the context-fusion layer. Default: a {@link PlainTextLayer} (fusion ablated).
   */
  firstLayer?: FirstTextLayer & Module;
  rng?: Rng;
}

/**
 * The text decoder. Parameter names: `embeddings.*`, `layers.0.*` (the first layer),
 * `layers.1..N−1.*`, `head.*`.
 *
 * @example
 * const dec = new TextDecoder(tinyTextDecoderConfig(tok.vocabSize), { firstLayer: fusion, rng });
 * const { loss } = dec.loss({ inputIds, attentionMask, labels, weights, image: { patches, pooled } });
 */
export class TextDecoder extends Module {
  readonly embeddings: TextEmbeddings;
  readonly firstLayer: FirstTextLayer & Module;
  readonly layers: ModuleList;
  readonly plainLayers: PlainTextLayer[];
  readonly head: MlmHead;
  private readonly firstIgnoresImage: boolean;

  constructor(
    readonly config: TextDecoderConfig,
    opts: TextDecoderOptions = {},
  ) {
    super();
    const rng = opts.rng ?? new Rng(0);
    const plain = (i: number) =>
      new PlainTextLayer({
        dim: config.dim,
        numHeads: config.numHeads,
        intermediate: config.intermediate,
        eps: config.eps,
        dropout: config.dropout,
        rng: rng.fork(`layer${i}`),
      });
    this.embeddings = this.addModule('embeddings', new TextEmbeddings(config, rng.fork('embeddings')));
    this.firstLayer = opts.firstLayer ?? plain(0);
    if (this.firstLayer.dim !== config.dim) {
      throw new Error(`TextDecoder: firstLayer has dim ${this.firstLayer.dim}, the decoder's config.dim is ${config.dim}`);
    }
    this.firstIgnoresImage = this.firstLayer instanceof PlainTextLayer;
    this.plainLayers = Array.from({ length: config.numLayers - 1 }, (_, i) => plain(i + 1));
    this.layers = this.addModule('layers', new ModuleList<Module>([this.firstLayer, ...this.plainLayers]));
    this.head = this.addModule('head', new MlmHead(config.dim, config.vocabSize, { eps: config.eps, rng: rng.fork('head') }));
  }

  /** Embeddings and layers; returns the tensors listed in {@link TextDecoderOutput}. */
  forward(input: TextDecoderInput): TextDecoderOutput {
    const { inputIds, attentionMask } = input;
    if (attentionMask.shape.join() !== inputIds.shape.join()) {
      throw new Error(`TextDecoder: attentionMask [${attentionMask.shape}] does not match inputIds [${inputIds.shape}]`);
    }
    if (!input.image && !this.firstIgnoresImage) {
      throw new Error('TextDecoder: image {patches, pooled} is required when the first layer attends to the image');
    }
    const out = tf.tidy(() => {
      const mask = attentionMask.dtype === 'float32' ? attentionMask : (tf.cast(attentionMask, 'float32') as tf.Tensor2D);
      let hidden = this.embeddings.forward(inputIds, input.tokenTypeIds);
      const first = this.firstLayer.forward({
        hidden,
        textMask: mask,
        patches: input.image?.patches as tf.Tensor3D,
        pooled: input.image?.pooled as tf.Tensor2D,
        returnAttention: input.returnAttention,
      });
      hidden = first.hidden;
      for (const layer of this.plainLayers) hidden = layer.forward({ hidden, textMask: mask }).hidden;
      const result: Record<string, tf.Tensor> = { hidden };
      if (input.returnAttention && first.attention) result.attention = first.attention;
      if (input.returnLogits) result.logits = this.head.forward(hidden);
      return result;
    });
    return out as unknown as TextDecoderOutput;
  }

  /**
   * Weighted MLM loss over the masked tokens (see the file comment for the reductions).
   * With no masked token the loss is 0 (still connected to the parameters, gradient 0).
   */
  loss(input: TextDecoderLossInput): TextDecoderLossOutput {
    const [b, l] = input.inputIds.shape;
    const n = b * l;
    const labels = input.labels instanceof Int32Array ? input.labels : Int32Array.from(input.labels.dataSync());
    const weights = input.weights instanceof Float32Array ? input.weights : Float32Array.from(input.weights.dataSync());
    if (labels.length !== n) throw new Error(`TextDecoder.loss: labels have ${labels.length} entries, expected B·L = ${n}`);
    if (weights.length !== n) throw new Error(`TextDecoder.loss: weights have ${weights.length} entries, expected B·L = ${n}`);
    const reduction = input.reduction ?? 'weighted-mean';
    if (reduction !== 'weighted-mean' && reduction !== 'authors') {
      throw new Error(`TextDecoder.loss: reduction must be 'weighted-mean' or 'authors', got ${JSON.stringify(reduction)}`);
    }
    const real = Int32Array.from(input.attentionMask.dataSync());
    const rows: number[] = [];
    for (let i = 0; i < n; i++) {
      if (labels[i] < 0) continue;
      if (labels[i] >= this.config.vocabSize)
        throw new Error(`TextDecoder.loss: label ${labels[i]} at flat position ${i} is ≥ vocabSize ${this.config.vocabSize}`);
      // The authors' form counts every masked position; ours only real tokens.
      if (reduction === 'weighted-mean' && real[i] === 0) continue;
      rows.push(i);
    }
    const k = rows.length;
    const rowLabels = Int32Array.from(rows, (i) => labels[i]);
    const rowWeights = Float32Array.from(rows, (i) => weights[i]);
    const weightSum = rowWeights.reduce((s, w) => s + w, 0);
    const result = tf.tidy(() => {
      const fwd = this.forward({ ...input, returnLogits: false });
      const out: Record<string, tf.Tensor> = {};
      if (fwd.attention) out.attention = fwd.attention;
      const denom = reduction === 'authors' ? n : weightSum;
      if (k === 0 || denom === 0) {
        out.loss = tf.mul(tf.sum(fwd.hidden), 0);
        return out;
      }
      const flat = tf.reshape(fwd.hidden, [n, this.config.dim]);
      const picked = gatherRows(flat, tf.tensor1d(Int32Array.from(rows), 'int32')); // [K, D]
      const ce = this.head.crossEntropy(picked, tf.tensor1d(rowLabels, 'int32')); // [K]
      out.loss = tf.div(tf.sum(tf.mul(ce, tf.tensor1d(rowWeights, 'float32'))), denom);
      return out;
    });
    return {
      loss: result.loss as tf.Scalar,
      attention: result.attention as tf.Tensor4D | undefined,
      maskedTokens: k,
      weightSum,
    };
  }
}
