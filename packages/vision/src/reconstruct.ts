/**
 * MAE reconstruction picture: the visible patches from the input, the removed ones from the
 * prediction, as an NHWC image — what MAE's demo shows, and what the trainer saves periodically.
 * With `normPixLoss` the prediction lives in per-patch normalised space, so it is mapped back
 * with the input patch's own mean and (unbiased) standard deviation first.
 */
import { tf } from '@ecamp/core';
import { patchify, unpatchify } from './patchify.js';

/** Options of {@link maeReconstruction}. */
export interface ReconstructionOptions {
  /** The model was trained with `normPixLoss` (de-normalise the prediction per patch). Default false. */
  normPixLoss?: boolean;
  /** Show the prediction everywhere instead of pasting the visible input patches. Default false. */
  predictionOnly?: boolean;
}

/**
 * @param imgs [B, H, W, C] the encoder input
 * @param pred [B, L, p*p*C] decoder output
 * @param mask [B, L] 1 = removed
 * @returns [B, H, W, C] (no gradient intended; a picture)
 */
export function maeReconstruction(imgs: tf.Tensor, pred: tf.Tensor, mask: tf.Tensor, patchSize: number, options: ReconstructionOptions = {}): tf.Tensor4D {
  if (imgs.rank !== 4) throw new Error(`maeReconstruction: imgs must be [B, H, W, C], got [${imgs.shape}]`);
  const [, h, , c] = imgs.shape;
  return tf.tidy(() => {
    const target = patchify(imgs, patchSize); // [B, L, F]
    if (pred.shape.join() !== target.shape.join()) {
      throw new Error(`maeReconstruction: pred [${pred.shape}] does not match the patchified image [${target.shape}]`);
    }
    let p = pred;
    if (options.normPixLoss) {
      const f = target.shape[2];
      const mean = tf.mean(target, -1, true);
      const variance = tf.div(tf.sum(tf.square(tf.sub(target, mean)), -1, true), f - 1);
      p = tf.add(tf.mul(pred, tf.sqrt(tf.add(variance, 1e-6))), mean);
    }
    const m = tf.expandDims(mask, -1); // [B, L, 1]
    const mixed = options.predictionOnly ? p : tf.add(tf.mul(p, m), tf.mul(target, tf.sub(1, m)));
    return unpatchify(mixed, patchSize, c, h / patchSize);
  });
}
