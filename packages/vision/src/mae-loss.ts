/**
 * MAE reconstruction loss: mean squared error per patch, averaged over the removed patches only.
 * With `normPixLoss` each target patch is normalised by its own mean and (unbiased, as MAE's
 * `torch.var`) variance: `(t - mean) / sqrt(var + 1e-6)`.
 */
import { tf } from '@ecamp/core';

/** Options of {@link maeLoss}. */
export interface MaeLossOptions {
  /** Per-patch normalised target (MAE's `norm_pix_loss`). Default false. */
  normPixLoss?: boolean;
}

/**
 * @param target [B, L, F] patchified images (see `patchify`)
 * @param pred [B, L, F] predicted pixels per patch
 * @param mask [B, L], 1 = removed (the loss counts these), 0 = visible
 * @returns scalar loss
 */
export function maeLoss(target: tf.Tensor, pred: tf.Tensor, mask: tf.Tensor, options: MaeLossOptions = {}): tf.Scalar {
  if (target.rank !== 3 || pred.shape.join() !== target.shape.join()) {
    throw new Error(`maeLoss: pred [${pred.shape}] and target [${target.shape}] must both be [B, L, F]`);
  }
  if (mask.rank !== 2 || mask.shape[0] !== target.shape[0] || mask.shape[1] !== target.shape[1]) {
    throw new Error(`maeLoss: mask must be [B, L] = [${target.shape.slice(0, 2)}], got [${mask.shape}]`);
  }
  const f = target.shape[2]!;
  return tf.tidy(() => {
    let t = target;
    if (options.normPixLoss) {
      if (f < 2) throw new Error('maeLoss: normPixLoss needs at least 2 values per patch');
      const mean = tf.mean(t, -1, true);
      const centred = tf.sub(t, mean);
      const variance = tf.div(tf.sum(tf.square(centred), -1, true), f - 1);
      t = tf.div(centred, tf.sqrt(tf.add(variance, 1e-6)));
    }
    const perPatch = tf.mean(tf.squaredDifference(pred, t), -1);
    return tf.div(tf.sum(tf.mul(perPatch, mask)), tf.sum(mask)) as tf.Scalar;
  });
}
