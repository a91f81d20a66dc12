import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { PlainTextLayer } from './plain-text-layer.js';
import type { FirstTextLayer } from './first-layer.js';

describe('PlainTextLayer', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('is a post-norm layer: each output row is LayerNorm-ed (mean 0, variance 1)', () => {
    const layer: FirstTextLayer = new PlainTextLayer({ dim: 8, numHeads: 2, intermediate: 16, dropout: 0, rng: new Rng(1) });
    const hidden = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 5) as tf.Tensor3D;
    const out = layer.forward({
      hidden,
      textMask: tf.ones([2, 3]) as tf.Tensor2D,
      patches: tf.zeros([2, 1, 4]) as tf.Tensor3D,
      pooled: tf.zeros([2, 4]) as tf.Tensor2D,
    });
    const { mean, variance } = tf.moments(out.hidden, -1);
    expect(tf.max(tf.abs(mean)).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]).toBeLessThan(1e-3);
    expect(out.attention).toBeUndefined();
  });

  it('ignores padded keys: changing a padded token does not change real positions', () => {
    const layer = new PlainTextLayer({ dim: 8, numHeads: 2, intermediate: 16, dropout: 0, rng: new Rng(2) });
    const a = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 6) as tf.Tensor3D;
    const b = tf.concat([tf.slice(a, [0, 0, 0], [1, 3, 8]), tf.fill([1, 1, 8], 9)], 1) as tf.Tensor3D;
    const mask = tf.tensor2d([[1, 1, 1, 0]]);
    const ya = tf.slice(layer.forward({ hidden: a, textMask: mask }).hidden, [0, 0, 0], [1, 3, 8]);
    const yb = tf.slice(layer.forward({ hidden: b, textMask: mask }).hidden, [0, 0, 0], [1, 3, 8]);
    expect(tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('uses dropout only in training mode (deterministic in eval)', () => {
    const layer = new PlainTextLayer({ dim: 8, numHeads: 2, intermediate: 16, dropout: 0.5, rng: new Rng(3) });
    const x = tf.randomNormal([1, 3, 8], 0, 1, 'float32', 7) as tf.Tensor3D;
    const mask = tf.ones([1, 3]) as tf.Tensor2D;
    const t1 = layer.forward({ hidden: x, textMask: mask }).hidden;
    const t2 = layer.forward({ hidden: x, textMask: mask }).hidden;
    expect(tf.max(tf.abs(tf.sub(t1, t2))).dataSync()[0]).toBeGreaterThan(1e-3);
    layer.eval();
    const e1 = layer.forward({ hidden: x, textMask: mask }).hidden;
    const e2 = layer.forward({ hidden: x, textMask: mask }).hidden;
    expect(tf.max(tf.abs(tf.sub(e1, e2))).dataSync()[0]).toBe(0);
  });

  it('names its parameters like the fusion layer and checks shapes', () => {
    const layer = new PlainTextLayer({ dim: 8, numHeads: 2, intermediate: 16 });
    expect(layer.namedParameters().map((p) => p.name)).toEqual([
      'attn.qkv.weight',
      'attn.qkv.bias',
      'attn.proj.weight',
      'attn.proj.bias',
      'attn_norm.weight',
      'attn_norm.bias',
      'mlp.fc1.weight',
      'mlp.fc1.bias',
      'mlp.fc2.weight',
      'mlp.fc2.bias',
      'mlp_norm.weight',
      'mlp_norm.bias',
    ]);
    expect(() => layer.forward({ hidden: tf.zeros([1, 2, 6]) as tf.Tensor3D, textMask: tf.ones([1, 2]) as tf.Tensor2D })).toThrow(/\[B, L, 8\]/);
    expect(() => layer.forward({ hidden: tf.zeros([1, 2, 8]) as tf.Tensor3D, textMask: tf.ones([1, 3]) as tf.Tensor2D })).toThrow(/textMask/);
  });
});
