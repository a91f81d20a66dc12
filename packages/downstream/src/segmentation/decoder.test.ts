import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { AUTHORS_SEGMENTATION_DECODER, SegmentationDecoder } from './decoder.js';

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

  it('builds the authors’ decoder: seg_head over the tokens, biased stage convs, 3×3 final conv, corner-aligned upsampling', () => {
    const decoder = new SegmentationDecoder(8, { ...AUTHORS_SEGMENTATION_DECODER, rng: new Rng(4) });
    const names = decoder.namedParameters().map((p) => p.name);
    expect(names.slice(0, 3)).toEqual(['seg_head.weight', 'seg_head.bias', 'stages.0.conv.weight']);
    expect(names).toContain('stages.3.conv.bias');
    expect(decoder.stages.at(0).conv.weight.shape).toEqual([3, 3, 8, 512]);
    expect(decoder.head.weight.shape).toEqual([3, 3, 64, 1]);
    expect(decoder.stages.at(3).alignCorners).toBe(true);
    const shape = tf.tidy(() => decoder.forward(tf.randomNormal([1, 2, 2, 8], 0, 1, 'float32', 5) as tf.Tensor4D).shape);
    expect(shape).toEqual([1, 32, 32, 1]);
    decoder.dispose();
    expect(() => new SegmentationDecoder(4, { finalKernel: 5 as never })).toThrow(/finalKernel must be 1 or 3/);
  });

  it('upsamples with corners aligned when asked: the output corners equal the input corners', () => {
    // One stage's BN in evaluation mode with fresh statistics is the identity (up to ε), so the
    // output of a stage is relu(conv(x)) upsampled; a 1×1-centred conv with weight 1 passes x.
    const stage = new SegmentationDecoder(1, { channels: [1, 1, 1, 1], alignCorners: true }).stages.at(0);
    stage.eval();
    const w = new Float32Array(9);
    w[4] = 1;
    stage.conv.weight.assign(tf.tensor4d(w, [3, 3, 1, 1]));
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = stage.forward(x).dataSync();
    const s = 1 / Math.sqrt(1 + 1e-5);
    expect(y[0]).toBeCloseTo(1 * s, 5); // top-left
    expect(y[3]).toBeCloseTo(2 * s, 5); // top-right
    expect(y[15]).toBeCloseTo(4 * s, 5); // bottom-right
    expect(y[1]).toBeCloseTo((1 + 1 / 3) * s, 5); // one third of the way to 2
    x.dispose();
    stage.dispose();
  });
});
