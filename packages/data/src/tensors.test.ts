import { initBackend, tf } from '@ecamp/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from './loader/loader.js';
import { batchToTensors, disposeBatchTensors } from './tensors.js';

describe('batchToTensors', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('wraps images, labels and windows with the right shapes and values and leaks nothing', () => {
    const images = Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i / 10);
    const batch: Batch = {
      images,
      size: 2,
      height: 4,
      width: 4,
      ids: ['a', 'b'],
      reports: ['x', 'y'],
      contexts: [undefined, undefined],
      geometry: [],
      windows: [
        { i: 0, j: 2 },
        { i: 1, j: 1 },
      ],
      labels: [
        [1, 0, 1],
        [0, 0, 1],
      ],
      position: { seed: 1, epoch: 0, index: 2, orderRngState: [1, 2, 3, 4] },
    };
    const before = tf.memory().numTensors;
    const t = batchToTensors(batch);
    expect(t.images.shape).toEqual([2, 4, 4, 3]);
    expect(t.images.dtype).toBe('float32');
    // NHWC: element [1, 2, 3, 1] is at ((1·4 + 2)·4 + 3)·3 + 1.
    expect(t.images.arraySync()[1][2][3][1]).toBeCloseTo(images[((1 * 4 + 2) * 4 + 3) * 3 + 1], 6);
    expect(t.labels!.arraySync()).toEqual(batch.labels);
    expect(t.windows!.dtype).toBe('int32');
    expect(t.windows!.arraySync()).toEqual([
      [0, 2],
      [1, 1],
    ]);
    disposeBatchTensors(t);
    expect(tf.memory().numTensors).toBe(before);
  });
});
