/**
 * The Node computation the page must reproduce: the checkpoint loaded as the trainer's evaluation
 * loads an encoder (readSafetensors → the preset's ViT → strict loadStateDict), the radiograph
 * through the trainer's downstream image pipeline (@ecamp/data), and the class-token attention.
 */
import { readSafetensors, tf } from '@ecamp/core';
import { downstreamTransform, openImage } from '@ecamp/data';
import { clsAttentionMap, createVit } from '@ecamp/vision';
import { normaliseMap } from '../src/lib/heatmap.js';

export interface ReferenceMap {
  raw: Float32Array;
  map: Float32Array;
  backend: string;
}

/** Class-token attention of `layer` for a `size`×`size` image at `imagePath` with the encoder at `checkpoint`. */
export async function nodeReference(
  checkpoint: string,
  imagePath: string,
  options: { layer?: number; head?: number; size?: number } = {},
): Promise<ReferenceMap> {
  const size = options.size ?? 224;
  const { tensors, metadata } = readSafetensors(checkpoint);
  const vit = createVit(metadata.preset ?? 'tiny', { imageSize: size });
  try {
    vit.loadStateDict(tensors, { strict: true });
    const pixels = (await downstreamTransform(await openImage(imagePath), { size })).pixels;
    const raw = tf.tidy(() =>
      clsAttentionMap(vit.forwardAttention(tf.tensor4d(pixels, [1, size, size, 3]), { layer: options.layer ?? -1 }), { head: options.head }).dataSync(),
    ) as Float32Array;
    return { raw: Float32Array.from(raw), map: normaliseMap(raw), backend: tf.getBackend() };
  } finally {
    vit.dispose();
  }
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/**
 * The trainer's own computation of the fusion layer's attention from `query`: its pre-training
 * model (`EcampPretrainModel`, built from the run's config.json and loaded strictly from
 * pretrain.safetensors), the image through `@ecamp/data`'s downstream pipeline, `imageForText`,
 * the text decoder with `returnAttention`; mean over heads, summed over the query's tokens.
 */
export async function trainerEntityReference(runDir: string, imagePath: string, query: string): Promise<{ raw: Float32Array; map: Float32Array }> {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { loadCheckpoint } = await import('@ecamp/core');
  const { loadTokenizer } = await import('@ecamp/mlm');
  const { validateConfig } = await import('../../trainer/src/config/load.js');
  const { EcampPretrainModel } = await import('../../trainer/src/pretrain/model.js');
  const config = validateConfig(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')), join(runDir, 'config.json'));
  const L = config.model.text.maxLength;
  const tokenizer = loadTokenizer(join(runDir, 'tokenizer.json'), { maxLength: L });
  const model = new EcampPretrainModel(config, tokenizer.vocabSize);
  try {
    loadCheckpoint(join(runDir, 'checkpoints', 'pretrain.safetensors'), model, { strict: true });
    model.eval();
    const size = config.model.imageSize;
    const pixels = (await downstreamTransform(await openImage(imagePath), { size })).pixels;
    const enc = tokenizer.encode(query, { maxLength: L });
    const positions = Array.from({ length: enc.length }, (_, k) => k).filter((k) => enc.wordIds[k] >= 0);
    const attention = tf.tidy(() => {
      const tokens = model.mae.forwardFeatures(tf.tensor4d(pixels, [1, size, size, 3])).tokens;
      return model.text!.forward({
        inputIds: tf.tensor2d(enc.ids, [1, L], 'int32'),
        attentionMask: tf.tensor2d(enc.attentionMask, [1, L], 'int32'),
        image: model.imageForText(tokens),
        returnAttention: true,
      }).attention!;
    });
    const [, heads, , patches] = attention.shape;
    const a = attention.dataSync();
    attention.dispose();
    const raw = new Float32Array(patches);
    for (let m = 0; m < patches; m++) {
      let s = 0;
      for (let h = 0; h < heads; h++) for (const l of positions) s += a[(h * L + l) * patches + m];
      raw[m] = s / heads;
    }
    return { raw, map: normaliseMap(raw) };
  } finally {
    model.dispose();
  }
}
