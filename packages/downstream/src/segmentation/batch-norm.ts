import { AffineNorm, tf } from '@ecamp/core';

/** Options of {@link BatchNorm2d}. */
export interface BatchNorm2dOptions {
  /** Variance epsilon (default 1e-5, PyTorch's). */
  eps?: number;
  /** Running-average factor: running ← (1 − m)·running + m·batch (default 0.1, PyTorch's). */
  momentum?: number;
}

/**
 * Batch normalisation over the channels of an NHWC map, PyTorch semantics:
 * in training, normalise by the batch mean and biased variance over (B, H, W)
 * and update the running mean and *unbiased* variance; in evaluation,
 * normalise by the running statistics. Parameters `weight` (ones), `bias`
 * (zeros) as every {@link AffineNorm}; buffers `running_mean`, `running_var` are non-trainable
 * parameters, so they travel with `stateDict()` but never reach an optimiser.
 *
 * (Lives here, not in `@ecamp/core`, because only the downstream decoders use it.)
 *
 * @example
 * const bn = new BatchNorm2d(64);
 * bn.forward(x); // [B, H, W, 64] → [B, H, W, 64]
 */
export class BatchNorm2d extends AffineNorm {
  /** [C] running mean (not trainable) */
  readonly runningMean: tf.Variable;
  /** [C] running unbiased variance (not trainable) */
  readonly runningVar: tf.Variable;
  /** Running-average factor. */
  readonly momentum: number;

  constructor(
    readonly channels: number,
    options: BatchNorm2dOptions = {},
  ) {
    const momentum = options.momentum ?? 0.1;
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNorm2d: momentum must be in [0, 1], got ${momentum}`);
    super(channels, options.eps); // `weight` γ (ones), `bias` β (zeros), eps
    this.momentum = momentum;
    this.runningMean = this.addParameter('running_mean', tf.zeros([channels]), { decay: false, trainable: false });
    this.runningVar = this.addParameter('running_var', tf.ones([channels]), { decay: false, trainable: false });
  }

  /** @param x [B, H, W, C] @returns [B, H, W, C] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.channels) throw new Error(`BatchNorm2d(${this.channels}): input [${x.shape}] is not [B, H, W, ${this.channels}]`);
    return tf.tidy(() => {
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (this.training) {
        const moments = tf.moments(x, [0, 1, 2]);
        mean = moments.mean;
        variance = moments.variance;
        const count = x.size / this.channels;
        if (count < 2) throw new Error(`BatchNorm2d: training needs more than one value per channel, got input [${x.shape}]`);
        // Running statistics are bookkeeping: assign() is not an op, so no gradient flows through them.
        const m = this.momentum;
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * count) / (count - 1))));
      } else {
        mean = this.runningMean;
        variance = this.runningVar;
      }
      const scale = tf.mul(this.weight, tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(tf.sub(x, mean), scale), this.bias) as tf.Tensor4D;
    });
  }
}
