import { Rng, tf } from '@ecamp/core';
import type { ClassificationBatch } from '../../src/classification/fit.js';

/**
 * A separable synthetic problem for the classification tests.
 * Multi-label (2 labels): label 0 brightens channel 0 everywhere, label 1
 * brightens channel 1 on the left half. Multi-class (3 classes): class c
 * brightens channel c. Gaussian noise (std 0.3) on top.
 */
export function syntheticBatch(rng: Rng, batch: number, size: number, task: 'multi-label' | 'multi-class'): ClassificationBatch {
  const pixels = new Float32Array(batch * size * size * 3);
  const labels: number[] = [];
  for (let b = 0; b < batch; b++) {
    const on = task === 'multi-label' ? [rng.uniform() < 0.5, rng.uniform() < 0.5] : [];
    const cls = task === 'multi-class' ? rng.int(3) : -1;
    if (task === 'multi-label') labels.push(on[0] ? 1 : 0, on[1] ? 1 : 0);
    else labels.push(cls);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let v = rng.normal(0, 0.3);
          if (task === 'multi-label') {
            if (c === 0 && on[0]) v += 1;
            if (c === 1 && on[1] && x < size / 2) v += 1;
          } else if (c === cls) v += 1;
          pixels[((b * size + y) * size + x) * 3 + c] = v;
        }
      }
    }
  }
  return { images: tf.tensor4d(pixels, [batch, size, size, 3]), labels };
}

/** `count` batches drawn from `rng`. */
export function* syntheticBatches(rng: Rng, count: number, batch: number, size: number, task: 'multi-label' | 'multi-class'): Generator<ClassificationBatch> {
  for (let i = 0; i < count; i++) yield syntheticBatch(rng, batch, size, task);
}
