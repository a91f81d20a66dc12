import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { SegmentationDecoder } from './decoder.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('SegmentationDecoder', () => {
  it('maps a 14×14 token map to 224×224 logits through four ×2 stages', () => {
    const decoder = new SegmentationDecoder(8, { channels: [4, 4, 2, 2], rng: new Rng(1) });
    const out = tf.tidy(() => decoder.forward(tf.randomNormal([1, 14, 14, 8], 0, 1, 'float32', 2) as tf.Tensor4D).shape);
    expect(out).toEqual([1, 224, 224, 1]);
    decoder.dispose();
  });

  it('names parameters by stage, and only conv/BN affine/head are trainable', () => {
    const decoder = new SegmentationDecoder(6, { channels: [5, 4, 3, 2], numClasses: 2 });
    const names = decoder.namedParameters().map((p) => p.name);
    expect(names.slice(0, 5)).toEqual([
      'stages.0.conv.weight',
      'stages.0.bn.weight',
      'stages.0.bn.bias',
      'stages.0.bn.running_mean',
      'stages.0.bn.running_var',
    ]);
    expect(names.slice(-2)).toEqual(['head.weight', 'head.bias']);
    expect(decoder.stages.at(2).conv.weight.shape).toEqual([3, 3, 4, 3]);
    expect(decoder.head.weight.shape).toEqual([1, 1, 2, 2]);
    expect(decoder.parameters()).toHaveLength(4 * 3 + 2);
    decoder.dispose();
  });

  it('gives gradients to every trainable parameter', () => {
    const decoder = new SegmentationDecoder(4, { channels: [3, 3, 3, 3], rng: new Rng(3) });
    const x = tf.randomNormal([2, 2, 2, 4], 0, 1, 'float32', 4) as tf.Tensor4D;
    const { value, grads } = tf.variableGrads(() => decoder.forward(x).square().mean() as tf.Scalar, decoder.parameters());
    expect(Object.keys(grads)).toHaveLength(decoder.parameters().length);
    for (const g of Object.values(grads)) expect(tf.tidy(() => g.abs().sum().dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([x, value, ...Object.values(grads)]);
    decoder.dispose();
  });

  it('rejects a wrong feature width and a wrong stage count', () => {
    const decoder = new SegmentationDecoder(4, { channels: [2, 2, 2, 2] });
    tf.tidy(() => {
      expect(() => decoder.forward(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D)).toThrow(/features \[1,2,2,3\] are not \[B, h, w, 4\]/);
    });
    decoder.dispose();
    expect(() => new SegmentationDecoder(4, { channels: [2, 2] })).toThrow(/4 positive integers/);
  });
});
