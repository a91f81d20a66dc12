/**
 * Context-guided super-resolution: the MIM prediction, un-patchified, is
 * super-resolved ×2 by the SR head (`sr`) inside each example's context window
 * (plus the conv halo: equal to cropping the full output, ~25 % less convolution)
 * and compared with the real 448 view there. With `window: 'online'` the window
 * comes from the fusion layer's detached attention of the same pass.
 */
import { tf } from '@ecamp/core';
import { SR_FINAL_ACTIVATIONS, SrHead, srWindowLossCropped, viewSizePx, windowGeometryFor, type WindowGeometry } from '@ecamp/superres';
import { unpatchify } from '@ecamp/vision';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { objectiveSliceBase, type Objective } from './objective.js';

/** `objectives.superres`. */
export const superresSlice = objectiveSliceBase.extend({
  /** Where the SR window comes from: `online` (current model's detached attention), `csv`, `center`. */
  window: z.enum(['online', 'csv', 'center']).default('online'),
});

/** `model.superres`: the SR head and the window size. */
export const superresModelSlice = z.strictObject({
  /** method.md quirk 2: no final activation (ours), or the authors' ReLU. */
  finalActivation: z.enum(SR_FINAL_ACTIVATIONS).default('none'),
  hidden: z.number().int().positive().default(3),
  /** Side of the context window in patch cells (method.md §5: 12 of the 14×14 grid). */
  windowCells: z.number().int().positive().default(12),
});

/** The window geometry of a run: `model.superres.windowCells` on the encoder's patch grid, ×2 view. */
export function srWindowGeometry(config: Config): WindowGeometry {
  return windowGeometryFor({ imageSize: config.model.imageSize, patchSize: config.model.patchSize, scale: 2, windowCells: config.model.superres.windowCells });
}

/** The authors' SR scale: their MSE averages over the whole view, (window / view)² × the window mean ((384 / 448)² = 0.735 for ECAMP's). */
export function authorsSrScale(g: WindowGeometry): number {
  return ((g.windowCells * g.cellPx) / viewSizePx(g)) ** 2;
}

/** The modules SR owns. */
export type SuperresModules = {
  sr: SrHead;
};

export const superresObjective: Objective<'superres', SuperresModules, typeof superresSlice> = {
  name: 'superres',
  label: 'SR',
  brief: 'super-resolution',
  summary: 'context-guided super-resolution of the MIM prediction inside the context window (MSE against the 448 view)',
  reportSettings: [{ label: 'window', path: 'objectives.superres.window' }],
  slice: superresSlice,
  usesPixelDecoder: true,
  build: ({ config, rng }) => ({
    sr: new SrHead({ hidden: config.model.superres.hidden, finalActivation: config.model.superres.finalActivation, rng: rng.fork('sr') }),
  }),
  needsFusionAttention: (config) => config.objectives.superres.window === 'online',
  loss(ctx) {
    const { sr } = ctx.model;
    if (!sr) throw new Error('pretrain: the SR term needs the SR head, which is built only when objectives.superres.enabled');
    const windows = ctx.windows();
    const geometry = srWindowGeometry(ctx.config);
    const image = unpatchify(ctx.mimPrediction(), ctx.config.model.patchSize); // [B, 224, 224, 3]
    const out = sr.forwardWindows(image, windows, geometry); // [B, 384, 384, 3]
    const inWindow = srWindowLossCropped(out, ctx.inputs.view448, windows, { geometry }); // mean over the window pixels
    return ctx.config.objectives.balance === 'authors' ? (tf.mul(inWindow, authorsSrScale(geometry)) as tf.Scalar) : inWindow;
  },
};
