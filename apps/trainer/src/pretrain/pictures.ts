/**
 * Training pictures: for one example, the masked encoder input, the MIM
 * reconstruction (visible patches pasted back), the SR output of the whole
 * 448 view and the real 448 view, both with the context window outlined
 * (`step-NNNNNN.png`; without SR no SR panel, without MIM and SR — no pixel
 * decoder — no reconstruction either). When the text side attends to image patches, also the
 * fusion layer's attention from the example's entity words over the whole image,
 * with the SR window it selects (`attention-step-NNNNNN.png`, drawn as the
 * report's end-of-training panel). Written into the run's `pictures/` folder —
 * look at them.
 */
import { basename, dirname, join } from 'node:path';
import { Rng, tf } from '@ecamp/core';
import { PRETRAIN_NORM } from '@ecamp/data';
import type { MlmExample, MlmTokenizer } from '@ecamp/mlm';
import { centredWindow, writePanelPng, type ContextWindow } from '@ecamp/superres';
import { writeFileAtomic } from '@ecamp/io';
import { maeReconstruction, patchify, unpatchify } from '@ecamp/vision';
import type { Config } from '../config/schema.js';
import { drawEntityAttention, greyOf, unmaskedText } from '../report/entity-attention-picture.js';
import type { RawPretrainBatch } from './batch-source.js';
import type { EcampPretrainModel } from './model.js';

const VIEW = 448 * 448 * 3;

/** One remembered example: its normalised 448 view (HWC) and its SR window. */
export interface PictureExample {
  view448: Float32Array;
  window: ContextWindow;
  /** Its report tokenised without masking, when the attention picture is drawn (it has an entity word). */
  text?: MlmExample;
}

/** Whether a run's pictures include the text→image attention: MLM on, with a fusion layer that attends to patches. */
export function drawsAttention(config: Config): boolean {
  return config.objectives.mlm.enabled && (config.model.fusion === 'patches' || config.model.fusion === 'patches+pooled');
}

/**
 * The example of a step's batch to draw (pixels copied out of the batch): when the run draws the
 * attention picture, the first one whose report has an entity word of the lexicon, otherwise (or
 * when none has) the first one; with its SR window of this step (`windows`, else the centred one).
 */
export function pictureExampleOf(
  batch: RawPretrainBatch,
  windows: readonly ContextWindow[] | undefined,
  config: Config,
  tokenizer: MlmTokenizer | undefined,
): PictureExample {
  let k = 0;
  let text: MlmExample | undefined;
  if (tokenizer && drawsAttention(config)) {
    for (let n = 0; n < batch.size && !text; n++) {
      const t = unmaskedText(batch.reports[n], tokenizer, config.model.text.maxLength);
      if (t.entityPositions.length > 0) [k, text] = [n, t];
    }
  }
  return { view448: batch.view448.slice(k * VIEW, (k + 1) * VIEW), window: windows?.[k] ?? centredWindow(), ...(text ? { text } : {}) };
}

/** The attention picture's path beside the training picture at `path` (`attention-step-NNNNNN.png`). */
export function attentionPicturePath(path: string): string {
  return join(dirname(path), `attention-${basename(path)}`);
}

/**
 * Renders the panel for `example` with the model's current weights to `path`, and when the
 * example has its unmasked text, the attention picture to {@link attentionPicturePath}.
 * Masking uses a fixed seed, so successive pictures of one example show the same patches hidden.
 * @returns the paths written
 */
export async function writePretrainPicture(model: EcampPretrainModel, example: PictureExample, path: string): Promise<string[]> {
  const { imageSize, patchSize, maskRatio } = model.config.model;
  const wasTraining = model.training;
  model.eval();
  const images = tf.tidy(() => {
    const view = tf.tensor4d(example.view448, [1, 448, 448, 3]);
    const image = tf.image.resizeBilinear(view, [imageSize, imageSize], false, true) as tf.Tensor4D;
    const enc = model.mae.forwardEncoder(image, maskRatio, new Rng(0).fork('picture'));
    const keep = tf.sub(1, tf.expandDims(enc.mask, -1)); // [1, L, 1] 1 = visible
    // Hidden patches shown at the normalised value of mid-grey intensity 0 (≈ the image mean).
    const masked = unpatchify(tf.mul(patchify(image, patchSize), keep), patchSize, 3, imageSize / patchSize);
    const out = [masked];
    // Without MIM and SR there is no pixel decoder, so no reconstruction: masked input and target only.
    if (model.mae.hasDecoder) {
      const pred = model.mae.forwardDecoder(enc.latent, enc.idsRestore);
      out.push(maeReconstruction(image, pred, enc.mask, patchSize));
      if (model.sr) out.push(model.sr.forward(unpatchify(pred, patchSize, 3, imageSize / patchSize)));
    }
    out.push(view);
    return out;
  });
  try {
    const panel = await Promise.all(
      images.map(async (t) => ({ pixels: await t.data(), height: t.shape[1], width: t.shape[2], channels: 3 as const, showWindow: t.shape[1] === 448 })),
    );
    await writePanelPng(path, panel, { window: example.window });
  } finally {
    for (const t of images) t.dispose();
    model.train(wasTraining);
  }
  if (!example.text || !model.text) return [path];
  const image = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(example.view448, [1, 448, 448, 3]), [imageSize, imageSize], false, true));
  let pixels: Float32Array;
  try {
    pixels = (await image.data()) as Float32Array;
  } finally {
    image.dispose();
  }
  const [drawn] = await drawEntityAttention(model, {
    images: pixels,
    text: [example.text],
    grey: [greyOf(example.view448, 0, 448, PRETRAIN_NORM)],
    greySize: 448,
  });
  const attentionPath = attentionPicturePath(path);
  writeFileAtomic(attentionPath, drawn.png);
  return [path, attentionPath];
}
