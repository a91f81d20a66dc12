import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { extractPooledFeatures, featureRows, featureStatistics } from './features.js';
import { PixelEncoder } from '../../test/helpers/pixel-encoder.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('extractPooledFeatures', () => {
  it('keeps the mean patch token of every image with its labels, leak-free', async () => {
    const before = tf.memory().numTensors;
    // 1×2 images: pooled feature = mean of the two pixels
    const batches = [
      { images: tf.tensor4d([1, 2, 3, 3, 4, 5], [1, 1, 2, 3]), labels: [1, 0] },
      { images: tf.tensor4d([0, 0, 0, 2, 2, 2, 4, 4, 4, 6, 6, 6], [2, 1, 2, 3]), labels: [0, 1, 1, 1] },
    ];
    const r = await extractPooledFeatures({ encoder: new PixelEncoder(1), batches, task: 'multi-label', numClasses: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(3);
    expect(r.dim).toBe(3);
    expect(Array.from(r.features)).toEqual([2, 3, 4, 1, 1, 1, 5, 5, 5]);
    expect(Array.from(r.labels)).toEqual([1, 0, 0, 1, 1, 1]);
    const rows = featureRows(r, [2, 0], 'multi-label', 2);
    expect(Array.from(rows.features.dataSync())).toEqual([5, 5, 5, 2, 3, 4]);
    expect(Array.from(rows.labels)).toEqual([1, 1, 1, 0]);
    rows.features.dispose();
    expect(() => featureRows(r, [3], 'multi-label', 2)).toThrow(/row 3 outside \[0, 3\)/);
  });

  it('rejects labels that do not match the images', async () => {
    await expect(
      extractPooledFeatures({
        encoder: new PixelEncoder(1),
        batches: [{ images: tf.zeros([2, 1, 1, 3]) as tf.Tensor4D, labels: [0] }],
        task: 'multi-class',
        numClasses: 3,
      }),
    ).rejects.toThrow(/2 images but labels for 1/);
  });
});

describe('featureStatistics', () => {
  it('is the per-feature mean and biased variance over all rows, in chunks and after a transform', () => {
    const data = { features: Float32Array.from([1, 10, 3, 10, 5, 40]), labels: new Float32Array(3), count: 3, dim: 2 };
    const s = featureStatistics(data, undefined, 2);
    expect(Array.from(s.mean)).toEqual([3, 20]);
    expect(s.variance[0]).toBeCloseTo(8 / 3, 5);
    expect(s.variance[1]).toBeCloseTo(200, 3);
    const before = tf.memory().numTensors;
    const t = featureStatistics(data, (x) => tf.mul(x, 2) as tf.Tensor2D, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(t.mean)).toEqual([6, 40]);
    expect(t.variance[0]).toBeCloseTo(32 / 3, 4);
    expect(() => featureStatistics({ ...data, count: 0, features: new Float32Array(0) })).toThrow(/no rows/);
    expect(() => featureStatistics({ ...data, count: 4 })).toThrow(/6 values are not 4 rows of 2/);
  });
});
