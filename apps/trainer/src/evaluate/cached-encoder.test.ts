import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { createVit } from '@ecamp/vision';
import { CachedTokenEncoder, encodeTokens, rowIndexImages } from './cached-encoder.js';
import type { MemorySet } from './memory-set.js';

function randomSet(n: number, size: number): MemorySet {
  const pixels = Float32Array.from({ length: n * size * size }, (_, i) => Math.sin(i * 0.37));
  return { size, count: n, numLabels: 1, imagePaths: Array.from({ length: n }, (_, i) => `${i}`), pixels, labels: new Float32Array(n) };
}

describe('CachedTokenEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('serves exactly the tokens the encoder gives, once computed, and no tensors leak', () => {
    const vit = createVit('tiny', { imageSize: 32, patchSize: 16, embedDim: 16, depth: 1, numHeads: 2, seed: 1 });
    const set = randomSet(5, 32);
    const cache = encodeTokens(vit, set, 2);
    expect([cache.count, cache.tokens, cache.dim]).toEqual([5, 5, 16]);
    const cached = new CachedTokenEncoder(cache);
    expect(cached.gridSize).toBe(2);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const grey = tf.tensor4d(set.pixels.slice(3 * 1024, 4 * 1024), [1, 32, 32, 1]);
      const direct = vit.forwardFeatures(tf.tile(grey, [1, 1, 1, 3])).tokens;
      const idx = rowIndexImages([3, 0]);
      const served = cached.forwardFeatures(idx).tokens;
      expect(served.shape).toEqual([2, 5, 16]);
      const diff = tf.max(tf.abs(tf.sub(served.slice([0, 0, 0], [1, 5, 16]), direct))).dataSync()[0];
      expect(diff).toBeLessThan(1e-6);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(cached.namedParameters()).toEqual([]);
    tf.tidy(() => {
      expect(() => cached.forwardFeatures(rowIndexImages([5]))).toThrow(/row 5 outside \[0, 5\)/);
      expect(() => cached.forwardFeatures(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D)).toThrow(/row indices/);
    });
    expect(() => new CachedTokenEncoder({ ...cache, tokens: 6 })).toThrow(/not a square grid/);
    vit.dispose();
  });
});
