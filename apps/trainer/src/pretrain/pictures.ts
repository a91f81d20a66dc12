/**
 * Training pictures: for one example, the masked encoder input, the MIM
 * reconstruction (visible patches pasted back), the SR output of the whole
 * 448 view and the real 448 view, both with the context window outlined.
 * Written as PNG into the run's `pictures/` folder — look at them.
 */
import { Rng, tf } from '@ecamp/core';
import { writePanelPng, type ContextWindow } from '@ecamp/superres';
import { maeReconstruction, patchify, unpatchify } from '@ecamp/vision';
import type { EcampPretrainModel } from './model.js';

/** One remembered example: its normalised 448 view (HWC) and its SR window. */
export interface PictureExample {
  view448: Float32Array;
  window: ContextWindow;
}

/**
 * Renders the panel for `example` with the model's current weights.
 * Masking uses a fixed seed, so successive pictures show the same patches hidden.
 */
export async function writePretrainPicture(model: EcampPretrainModel, example: PictureExample, path: string): Promise<void> {
  const { imageSize, patchSize, maskRatio } = model.config.model;
  const wasTraining = model.training;
  model.eval();
  const images = tf.tidy(() => {
    const view = tf.tensor4d(example.view448, [1, 448, 448, 3]);
    const image = tf.image.resizeBilinear(view, [imageSize, imageSize], false, true) as tf.Tensor4D;
    const enc = model.mae.forwardEncoder(image, maskRatio, new Rng(0).fork('picture'));
    const pred = model.mae.forwardDecoder(enc.latent, enc.idsRestore);
    const keep = tf.sub(1, tf.expandDims(enc.mask, -1)); // [1, L, 1] 1 = visible
    // Hidden patches shown at the normalised value of mid-grey intensity 0 (≈ the image mean).
    const masked = unpatchify(tf.mul(patchify(image, patchSize), keep), patchSize, 3, imageSize / patchSize);
    const recon = maeReconstruction(image, pred, enc.mask, patchSize);
    const out = [masked, recon];
    if (model.sr) out.push(model.sr.forward(unpatchify(pred, patchSize, 3, imageSize / patchSize)));
    out.push(view);
    return out;
  });
  try {
    const panel = await Promise.all(images.map(async (t) => ({ pixels: await t.data(), height: t.shape[1], width: t.shape[2], channels: 3 as const, showWindow: t.shape[1] === 448 })));
    await writePanelPng(path, panel, { window: example.window });
  } finally {
    for (const t of images) t.dispose();
    model.train(wasTraining);
  }
}
