/**
 * Masked image modelling (MAE): the pixel decoder's prediction of the removed
 * patches, MSE on them. The MAE (`mae.*`) is the model's backbone: its encoder is
 * every objective's and always built; its pixel decoder is built when MIM or SR
 * (which refines the decoder's prediction) is on. So MIM builds no module of its
 * own; it declares that it reads the decoder.
 */
import { tf } from '@ecamp/core';
import { objectiveSliceBase, type Objective } from './objective.js';

/** `objectives.mim`. */
export const mimSlice = objectiveSliceBase;

export const mimObjective: Objective<'mim', Record<never, never>, typeof mimSlice> = {
  name: 'mim',
  label: 'MIM',
  brief: 'masked image modelling',
  summary: 'masked image modelling: the MAE decoder reconstructs the removed patches (MSE on them)',
  slice: mimSlice,
  usesPixelDecoder: true,
  build: () => ({}),
  loss(ctx) {
    const enc = ctx.encoder();
    const masked = ctx.model.mae.forwardLoss(ctx.inputs.image224, ctx.mimPrediction(), enc.mask); // mean over the masked patches
    // The authors' MSE runs over every pixel of pred·mask: × the masked share of the patches.
    return ctx.config.objectives.balance === 'authors' ? (tf.mul(masked, tf.mean(enc.mask)) as tf.Scalar) : masked;
  },
};
