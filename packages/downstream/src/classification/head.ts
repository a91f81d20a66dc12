import { LayerNorm, Linear, Module, Rng, tf, type Parameter } from '@ecamp/core';

/**
 * Mean of the patch tokens, the prefix (cls) tokens left out.
 * @param tokens [B, P + N, D] @returns [B, D]
 */
export function meanPatchTokens(tokens: tf.Tensor, numPrefixTokens: number): tf.Tensor2D {
  const [batch, length, dim] = tokens.shape;
  if (tokens.rank !== 3 || length <= numPrefixTokens)
    throw new Error(`meanPatchTokens: tokens [${tokens.shape}] have no patch tokens after ${numPrefixTokens} prefix tokens`);
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
  /**
   * Add MAE's linear-probe feature normalisation between `fc_norm` and the classifier: a
   * BatchNorm1d without affine parameters whose statistics are fixed from the training
   * features (`feature_norm.running_mean`, `feature_norm.running_var`, not trainable; see
   * {@link ClassificationHead.setFeatureStatistics}). Default false (the paper's head).
   */
  featureNorm?: boolean;
}

/** Per-feature statistics of {@link ClassificationHead}'s feature normalisation. */
export interface FeatureStatistics {
  /** [D] mean of each feature over the training rows. */
  mean: Float32Array;
  /** [D] (biased) variance of each feature over the training rows. */
  variance: Float32Array;
}

/** Epsilon of the feature normalisation (as MAE's `BatchNorm1d(eps=1e-6)`). */
export const FEATURE_NORM_EPS = 1e-6;

/** Non-trainable feature statistics (`running_mean`, `running_var`), applied as (x − mean)/√(var + ε). */
class FeatureNorm extends Module {
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(dim: number) {
    super();
    this.runningMean = this.addParameter('running_mean', tf.zeros([dim]), { decay: false, trainable: false });
    this.runningVar = this.addParameter('running_var', tf.ones([dim]), { decay: false, trainable: false });
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(tf.sub(x, this.runningMean), tf.sqrt(tf.add(this.runningVar, FEATURE_NORM_EPS))));
  }
}

/**
 * The paper's classification head: mean of the patch tokens → LayerNorm →
 * Linear. Parameter names follow timm's global-pool ViT: `fc_norm.weight`,
 * `fc_norm.bias`, `head.weight` [D, C], `head.bias` [C].
 *
 * With `featureNorm` it is MAE's linear-probe head instead: pooled → `fc_norm` →
 * per-feature standardisation with fixed training-set statistics → Linear. A frozen
 * encoder's pooled tokens barely vary between images relative to their common part
 * (the mean pairwise cosine of a ViT's pooled tokens is typically > 0.9), so without
 * that standardisation a linear layer trained for a few hundred steps hardly sees the
 * image-dependent part; {@link fitLinearProbe} fills the statistics in.
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
  /** MAE's linear-probe feature normalisation, when constructed with `featureNorm`. */
  readonly featureNorm?: FeatureNorm;

  constructor(
    readonly embedDim: number,
    readonly numClasses: number,
    options: ClassificationHeadOptions = {},
  ) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`ClassificationHead: numClasses must be ≥ 1, got ${numClasses}`);
    this.numPrefixTokens = options.numPrefixTokens ?? 1;
    this.fcNorm = this.addModule('fc_norm', new LayerNorm(embedDim, { eps: options.eps ?? 1e-6 }));
    if (options.featureNorm) this.featureNorm = this.addModule('feature_norm', new FeatureNorm(embedDim));
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
    return tf.tidy(() => this.head.forward(this.normalise(pooled))) as tf.Tensor2D;
  }

  /**
   * What the classifier layer sees: `fc_norm` of the pooled features, then the feature
   * normalisation when present.
   * @param pooled [B, D] @returns [B, D]
   */
  normalise(pooled: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const x = this.fcNorm.forward(pooled);
      return this.featureNorm ? this.featureNorm.forward(x) : x;
    }) as tf.Tensor2D;
  }

  /**
   * Sets the feature normalisation's statistics (the head must have been built with
   * `featureNorm`). Variances must be ≥ 0.
   */
  setFeatureStatistics(stats: FeatureStatistics): void {
    if (!this.featureNorm) throw new Error('ClassificationHead.setFeatureStatistics: the head was built without featureNorm');
    const d = this.embedDim;
    if (stats.mean.length !== d || stats.variance.length !== d) {
      throw new Error(`ClassificationHead.setFeatureStatistics: statistics have ${stats.mean.length}/${stats.variance.length} entries, the head expects ${d}`);
    }
    const bad = stats.variance.findIndex((v) => !(v >= 0));
    if (bad >= 0) throw new Error(`ClassificationHead.setFeatureStatistics: variance[${bad}] is ${stats.variance[bad]}`);
    const norm = this.featureNorm;
    tf.tidy(() => {
      norm.runningMean.assign(tf.tensor1d(stats.mean));
      norm.runningVar.assign(tf.tensor1d(stats.variance));
    });
  }

  /**
   * The parameters a linear probe trains: with the feature normalisation only the
   * classifier (`head.*`; `fc_norm` stays at its initial values, as in MAE's probe),
   * otherwise every trainable parameter.
   */
  probeParameters(): Parameter[] {
    const trainable = this.namedParameters().filter((p) => p.variable.trainable);
    return this.featureNorm ? trainable.filter((p) => p.name.startsWith('head.')) : trainable;
  }

  /** @param tokens [B, P + N, D] encoder output @returns [B, C] logits */
  forward(tokens: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.classify(this.pool(tokens)));
  }
}
