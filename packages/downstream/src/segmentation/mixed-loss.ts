import { tf } from '@ecamp/core';
import { bceWithLogitsElementwise } from '../losses/bce-with-logits.js';

/** Options of {@link segmentationLoss}. */
export interface SegmentationLossOptions {
  /** Weight of the focal term (paper: 10). */
  focalWeight?: number;
  /** Focal exponent γ (paper: 2). */
  gamma?: number;
  /** Additive smoothing of the soft Dice, numerator and denominator (1, the usual choice). */
  smooth?: number;
  /**
   * `batch` (default): one soft Dice over all pixels of the batch, as the
   * authors' loss computes it; `image`: the mean of per-image soft Dice.
   */
  diceReduction?: 'batch' | 'image';
}

/**
 * Focal loss on logits, γ-modulated binary cross-entropy averaged over every
 * pixel: (1 − p_t)^γ · BCE, with p_t the probability of the true class and
 * (1 − p_t)^γ = exp(γ · log σ(−x·(2t − 1))) evaluated in log space.
 *
 * @param logits [B, H, W, 1] (any shape) raw scores
 * @param targets same shape, 0/1
 * @param gamma focusing exponent γ ≥ 0
 * @returns scalar loss
 */
export function focalLoss(logits: tf.Tensor, targets: tf.Tensor, gamma = 2): tf.Scalar {
  checkShapes('focalLoss', logits, targets);
  return tf.tidy(() => {
    const x = logits.toFloat();
    const t = targets.toFloat();
    const bce = bceWithLogitsElementwise(x, t);
    const sign = t.mul(2).sub(1);
    // log σ(−x·s) = −softplus(x·s): log of the probability of the wrong class.
    const logWrong = tf.neg(tf.softplus(x.mul(sign)));
    return tf.exp(logWrong.mul(gamma)).mul(bce).mean() as tf.Scalar;
  });
}

/**
 * Soft Dice coefficient (2·Σ p·t + s) / (Σ p + Σ t + s), p = σ(logits).
 *
 * @param logits [B, H, W, 1] raw scores
 * @param targets [B, H, W, 1] 0/1
 * @param reduction `batch`: one coefficient over the whole batch; `image`: mean over images
 * @returns scalar in (0, 1]
 */
export function softDice(logits: tf.Tensor, targets: tf.Tensor, smooth = 1, reduction: 'batch' | 'image' = 'batch'): tf.Scalar {
  checkShapes('softDice', logits, targets);
  return tf.tidy(() => {
    const batch = logits.shape[0] ?? 1;
    const p = tf.sigmoid(logits.toFloat()).reshape(reduction === 'batch' ? [1, -1] : [batch, -1]);
    const t = targets.toFloat().reshape(p.shape);
    const intersection = p.mul(t).sum(1);
    const coefficient = intersection
      .mul(2)
      .add(smooth)
      .div(p.sum(1).add(t.sum(1)).add(smooth));
    return coefficient.mean() as tf.Scalar;
  });
}

/**
 * The paper's segmentation loss: focalWeight · focal(γ) − log(soft Dice),
 * by default 10 · focal(γ = 2) − log(soft Dice).
 *
 * @param logits [B, H, W, 1] raw per-pixel scores
 * @param targets [B, H, W, 1] 0/1 masks
 * @returns scalar loss
 */
export function segmentationLoss(logits: tf.Tensor, targets: tf.Tensor, options: SegmentationLossOptions = {}): tf.Scalar {
  const { focalWeight = 10, gamma = 2, smooth = 1, diceReduction = 'batch' } = options;
  return tf.tidy(() =>
    focalLoss(logits, targets, gamma)
      .mul(focalWeight)
      .sub(tf.log(softDice(logits, targets, smooth, diceReduction))),
  ) as tf.Scalar;
}

function checkShapes(name: string, logits: tf.Tensor, targets: tf.Tensor): void {
  if (!tf.util.arraysEqual(logits.shape, targets.shape)) {
    throw new Error(`${name}: logits [${logits.shape}] and targets [${targets.shape}] differ in shape`);
  }
}
