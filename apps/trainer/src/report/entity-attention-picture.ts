/**
 * The text→image attention picture of one or more examples, shared by the report's
 * end-of-training panel (`entity-attention.ts`, final checkpoint) and the training pictures
 * (`pretrain/pictures.ts`, the weights at each picture step): the whole radiograph is encoded
 * (no masking), its report goes through the text decoder unmasked, and the fusion layer's
 * attention from the report's entity words to the image patches is summed over those words,
 * averaged over heads and drawn over the image, with the super-resolution window that attention
 * selects (the trainer's online window choice) when the run trains super-resolution.
 */
import { Rng, tf } from '@ecamp/core';
import { prepareMlmExample, type MlmExample, type MlmTokenizer } from '@ecamp/mlm';
import { WindowSelector, entityAttentionMap, windowGeometryFor } from '@ecamp/superres';
import { entityMaskRows } from '../pretrain/entity-mask.js';
import type { EcampPretrainModel } from '../pretrain/model.js';
import { attentionPicture } from './picture.js';

const NO_MASKING = { entity: 0, other: 0, noEntity: 0, random: 0 };

/** `report` tokenised as the text decoder reads it, without masking and without inserted context. */
export function unmaskedText(report: string, tokenizer: MlmTokenizer, maxLength: number): MlmExample {
  // Nothing is drawn at these probabilities; the fixed stream keeps the caller's streams untouched.
  return prepareMlmExample(report, {
    contextProbability: 0,
    rng: new Rng(0).fork('unmasked-text'),
    tokenizer,
    maxLength,
    probabilities: NO_MASKING,
    mode: 'paper',
  });
}

/** Grey values 0..255 (channel 0) of the `size`×`size` normalised HWC image at `offset` of `pixels`. */
export function greyOf(pixels: ArrayLike<number>, offset: number, size: number, norm: { mean: number; std: number }): Uint8Array {
  const grey = new Uint8Array(size * size);
  for (let p = 0; p < grey.length; p++) grey[p] = Math.max(0, Math.min(255, Math.round((pixels[offset + 3 * p] * norm.std + norm.mean) * 255)));
  return grey;
}

/** One example's attention and its picture. */
export interface EntityAttentionDrawing {
  /** grid² attention per patch, summed over entity tokens, mean over heads. */
  map: Float64Array;
  grid: number;
  /** The SR window this attention selects: top-left cell and side in cells (absent when the run trains no super-resolution). */
  window?: { i: number; j: number; cells: number };
  /** {@link attentionPicture}: the radiograph, and the radiograph with the map and the window. */
  png: Uint8Array;
  width: number;
  height: number;
}

/** Input of {@link drawEntityAttention}: `n` examples. */
export interface EntityAttentionInput {
  /** float32 `[n, imageSize, imageSize, 3]` (NHWC) as the encoder takes it (normalised, whole image). */
  images: Float32Array;
  /** Each example's report from {@link unmaskedText}; each must have an entity word. */
  text: readonly Pick<MlmExample, 'inputIds' | 'attentionMask' | 'entityPositions'>[];
  /** Each example's radiograph to draw under the map (any square size, e.g. the 448 view). */
  grey: readonly Uint8Array[];
  greySize: number;
}

/**
 * The fusion layer's entity-word attention of each example with the model's current weights,
 * drawn. The model must have the text objective with a fusion layer that attends to patches;
 * it runs in eval mode (and is put back as it was). Leaves no tensors behind.
 */
export async function drawEntityAttention(model: EcampPretrainModel, input: EntityAttentionInput): Promise<EntityAttentionDrawing[]> {
  const text = model.text;
  if (!text) throw new Error('drawEntityAttention: the model has no text decoder (objectives.mlm.enabled=false)');
  const { imageSize: size, patchSize, superres } = model.config.model;
  const L = model.config.model.text.maxLength;
  const n = input.text.length;
  if (input.images.length !== n * size * size * 3)
    throw new Error(`drawEntityAttention: ${input.images.length} pixel values are not ${n} ${size}×${size}×3 images`);
  if (input.grey.length !== n) throw new Error(`drawEntityAttention: ${input.grey.length} grey images for ${n} examples`);
  const grid = size / patchSize;
  // Without super-resolution there is no window (and a small test image may have fewer patches a side than its cells).
  const withWindow = model.config.objectives.superres.enabled;
  const geometry = windowGeometryFor({ imageSize: size, patchSize, scale: 2, windowCells: Math.min(superres.windowCells, grid) });
  const ids = new Int32Array(n * L);
  const mask = new Int32Array(n * L);
  input.text.forEach((e, k) => {
    ids.set(e.inputIds, k * L);
    mask.set(e.attentionMask, k * L);
  });
  const wasTraining = model.training;
  model.eval();
  let data: Float32Array;
  let shape: number[];
  try {
    const attention = tf.tidy(() => {
      const tokens = model.mae.forwardFeatures(tf.tensor4d(input.images, [n, size, size, 3])).tokens;
      return text.forward({
        inputIds: tf.tensor2d(ids, [n, L], 'int32'),
        attentionMask: tf.tensor2d(mask, [n, L], 'int32'),
        image: model.imageForText(tokens),
        returnAttention: true,
      }).attention!;
    });
    shape = attention.shape;
    try {
      data = (await attention.data()) as Float32Array;
    } finally {
      attention.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
  const [, heads, , patches] = shape;
  const rows = entityMaskRows(
    input.text.map((e) => e.entityPositions),
    L,
  );
  const selector = new WindowSelector({ geometry });
  return input.text.map((_, k) => {
    const per = heads * L * patches;
    const a = { data: data.subarray(k * per, (k + 1) * per), heads, textLength: L, patches };
    const map = entityAttentionMap(a, rows[k], { geometry });
    if (!map) throw new Error(`drawEntityAttention: example ${k}'s report has no entity word`);
    if (!withWindow) return { map, grid, ...attentionPicture({ grey: input.grey[k], size: input.greySize, map, grid }) };
    const w = selector.select(a, rows[k]);
    const window = { i: w.i, j: w.j, cells: geometry.windowCells };
    return { map, grid, window, ...attentionPicture({ grey: input.grey[k], size: input.greySize, map, grid, window }) };
  });
}
