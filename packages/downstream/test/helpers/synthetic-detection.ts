import { Rng, tf } from '@ecamp/core';
import type { DetectionBatch } from '../../src/detection/fit.js';
import type { Box } from '../../src/metrics/box.js';

/**
 * 32-pixel images with one bright 16×16 square aligned to the 16-pixel patch
 * grid (one of 4 positions) on a dark noisy background; its box is the truth.
 */
export function syntheticDetectionBatch(rng: Rng, batch: number): DetectionBatch {
  const size = 32;
  const pixels = new Float32Array(batch * size * size * 3);
  const boxes: Box[][] = [];
  for (let b = 0; b < batch; b++) {
    const cell = rng.int(4);
    const x0 = (cell % 2) * 16;
    const y0 = Math.floor(cell / 2) * 16;
    boxes.push([[x0, y0, x0 + 16, y0 + 16]]);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = x >= x0 && x < x0 + 16 && y >= y0 && y < y0 + 16;
        for (let c = 0; c < 3; c++) pixels[((b * size + y) * size + x) * 3 + c] = (inside ? 1 : -1) + rng.normal(0, 0.2);
      }
    }
  }
  return { images: tf.tensor4d(pixels, [batch, size, size, 3]), boxes };
}

/** `count` batches drawn from `rng`. */
export function* syntheticDetectionBatches(rng: Rng, count: number, batch: number): Generator<DetectionBatch> {
  for (let i = 0; i < count; i++) yield syntheticDetectionBatch(rng, batch);
}
