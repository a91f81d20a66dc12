import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { clsAttentionMap, createVit } from '@ecamp/vision';
import { clsAttention } from './attention.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('clsAttention', () => {
  it("returns the class token's per-patch attention of the chosen layer, raw and scaled to [0, 1], timed", async () => {
    const vit = createVit('tiny', { imageSize: 64, depth: 3, seed: 2 });
    const input = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const r = await clsAttention(vit, input, { layer: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.grid).toBe(4);
    expect(r.layer).toBe(1);
    expect(r.ms).toBeGreaterThan(0);
    const want = tf.tidy(() => clsAttentionMap(vit.forwardAttention(input, { layer: 1 })).dataSync());
    expect(Array.from(r.raw)).toEqual(Array.from(want));
    expect(Math.min(...r.map)).toBe(0);
    expect(Math.max(...r.map)).toBe(1);
    const lo = Math.min(...r.raw);
    const hi = Math.max(...r.raw);
    r.raw.forEach((v, i) => expect(r.map[i]).toBeCloseTo((v - lo) / (hi - lo), 6));
    expect((await clsAttention(vit, input)).layer).toBe(2);
    const head = await clsAttention(vit, input, { head: 2 });
    expect(Array.from(head.raw)).toEqual(Array.from(tf.tidy(() => clsAttentionMap(vit.forwardAttention(input), { head: 2 }).dataSync())));
    input.dispose();
    vit.dispose();
  });
});
