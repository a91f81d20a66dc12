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
export async function nodeReference(checkpoint: string, imagePath: string, options: { layer?: number; head?: number; size?: number } = {}): Promise<ReferenceMap> {
  const size = options.size ?? 224;
  const { tensors, metadata } = readSafetensors(checkpoint);
  const vit = createVit(metadata.preset ?? 'tiny', { imageSize: size });
  try {
    vit.loadStateDict(tensors, { strict: true });
    const pixels = (await downstreamTransform(await openImage(imagePath), { size })).pixels;
    const raw = tf.tidy(() => clsAttentionMap(vit.forwardAttention(tf.tensor4d(pixels, [1, size, size, 3]), { layer: options.layer ?? -1 }), { head: options.head }).dataSync()) as Float32Array;
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
