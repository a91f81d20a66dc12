import { LayerNorm, Linear, Module, Rng, tf } from '@ecamp/core';

/**
 * Mean of the patch tokens, the prefix (cls) tokens left out.
 * @param tokens [B, P + N, D] @returns [B, D]
 */
export function meanPatchTokens(tokens: tf.Tensor, numPrefixTokens: number): tf.Tensor2D {
  const [batch, length, dim] = tokens.shape;
  if (tokens.rank !== 3 || length <= numPrefixTokens) throw new Error(`meanPatchTokens: tokens [${tokens.shape}] have no patch tokens after ${numPrefixTokens} prefix tokens`);
  return tf.tidy(() => tokens.slice([0, numPrefixTokens, 0], [batch, length - numPrefixTokens, dim]).mean(1)) as tf.Tensor2D;
}

/** Options of {@link ClassificationHead}. */
export interface ClassificationHeadOptions {
  /** Prefix (cls) tokens to skip before pooling (default 1). */
  numPrefixTokens?: number;
  /** LayerNorm epsilon (default 1e-6, timm's `fc_norm`). */
  eps?: number;
  /** Random source of the linear layer's truncated-normal (std 0.02) init (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * The paper's classification head: mean of the patch tokens → LayerNorm →
 * Linear. Parameter names follow timm's global-pool ViT: `fc_norm.weight`,
 * `fc_norm.bias`, `head.weight` [D, C], `head.bias` [C].
 *
 * @example
 * const head = new ClassificationHead(768, 14, { rng });
 * const logits = head.forward(tokens); // [B, 1 + 196, 768] → [B, 14]
 */
export class ClassificationHead extends Module {
  /** LayerNorm over the pooled feature. */
  readonly fcNorm: LayerNorm;
  /** [D] → [C] classifier. */
  readonly head: Linear;
  /** Prefix tokens skipped by {@link pool}. */
  readonly numPrefixTokens: number;

  constructor(
    readonly embedDim: number,
    readonly numClasses: number,
    options: ClassificationHeadOptions = {},
  ) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`ClassificationHead: numClasses must be ≥ 1, got ${numClasses}`);
    this.numPrefixTokens = options.numPrefixTokens ?? 1;
    this.fcNorm = this.addModule('fc_norm', new LayerNorm(embedDim, { eps: options.eps ?? 1e-6 }));
    this.head = this.addModule('head', new Linear(embedDim, numClasses, { init: 'truncnormal', rng: options.rng ?? new Rng(0) }));
  }

  /**
   * Mean of the patch tokens (prefix tokens excluded).
   * @param tokens [B, P + N, D] @returns [B, D]
   */
  pool(tokens: tf.Tensor): tf.Tensor2D {
    const [, length, dim] = tokens.shape;
    if (tokens.rank !== 3 || dim !== this.embedDim || length <= this.numPrefixTokens) {
      throw new Error(`ClassificationHead.pool: tokens [${tokens.shape}] are not [B, ${this.numPrefixTokens} + N, ${this.embedDim}]`);
    }
    return meanPatchTokens(tokens, this.numPrefixTokens);
  }

  /**
   * Logits from already pooled features (the linear probe caches these).
   * @param pooled [B, D] @returns [B, C]
   */
  classify(pooled: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.head.forward(this.fcNorm.forward(pooled))) as tf.Tensor2D;
  }

  /** @param tokens [B, P + N, D] encoder output @returns [B, C] logits */
  forward(tokens: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.classify(this.pool(tokens)));
  }
}
