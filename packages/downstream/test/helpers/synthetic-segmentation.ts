import { Rng, tf } from '@ecamp/core';
import type { SegmentationBatch } from '../../src/segmentation/fit.js';

/**
 * Images of `grid`×`grid` patches of `patch` pixels; each patch is bright
 * (foreground, mask 1) with probability 0.4, else dark, plus noise (std 0.2).
 */
export function syntheticSegmentationBatch(rng: Rng, batch: number, grid: number, patch: number): SegmentationBatch {
  const size = grid * patch;
  const pixels = new Float32Array(batch * size * size * 3);
  const mask = new Float32Array(batch * size * size);
  for (let b = 0; b < batch; b++) {
    const on = Array.from({ length: grid * grid }, () => rng.uniform() < 0.4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const fg = on[Math.floor(y / patch) * grid + Math.floor(x / patch)];
        const i = (b * size + y) * size + x;
        mask[i] = fg ? 1 : 0;
        for (let c = 0; c < 3; c++) pixels[i * 3 + c] = (fg ? 1 : -1) + rng.normal(0, 0.2);
      }
    }
  }
  return { images: tf.tensor4d(pixels, [batch, size, size, 3]), masks: tf.tensor4d(mask, [batch, size, size, 1]) };
}

/** `count` batches drawn from `rng`. */
export function* syntheticSegmentationBatches(rng: Rng, count: number, batch: number, grid: number, patch: number): Generator<SegmentationBatch> {
  for (let i = 0; i < count; i++) yield syntheticSegmentationBatch(rng, batch, grid, patch);
}
