import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, tf } from '@ecamp/core';
import { BatchNorm2d } from './batch-norm.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('BatchNorm2d', () => {
  // channel 0 values 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); channel 1 all 5
  const input = () => tf.tensor4d([1, 5, 2, 5, 3, 5, 6, 5], [2, 1, 2, 2]);

  it('normalises by batch statistics in training and updates running statistics like PyTorch', () => {
    const bn = new BatchNorm2d(2);
    const out = tf.tidy(() => Array.from(bn.forward(input()).dataSync()));
    const s = Math.sqrt(3.5 + 1e-5);
    [1, 2, 3, 6].forEach((v, i) => expect(out[i * 2]).toBeCloseTo((v - 3) / s, 5));
    [0, 1, 2, 3].forEach((i) => expect(out[i * 2 + 1]).toBe(0));
    expect(Array.from(bn.runningMean.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.5, 6)]);
    expect(Array.from(bn.runningVar.dataSync())).toEqual([expect.closeTo(0.9 + 0.1 * (14 / 3), 5), expect.closeTo(0.9, 6)]);
    bn.dispose();
  });

  it('uses the running statistics in evaluation mode and leaves them alone', () => {
    const bn = new BatchNorm2d(2).eval();
    bn.runningMean.assign(tf.tensor1d([1, 5]));
    bn.runningVar.assign(tf.tensor1d([4, 1]));
    bn.weight.assign(tf.tensor1d([2, 1]));
    bn.bias.assign(tf.tensor1d([0.5, 0]));
    const out = tf.tidy(() => Array.from(bn.forward(input()).dataSync()));
    expect(out[6]).toBeCloseTo((2 * (6 - 1)) / Math.sqrt(4 + 1e-5) + 0.5, 5);
    expect(Array.from(bn.runningMean.dataSync())).toEqual([1, 5]);
    bn.dispose();
  });

  it('exposes weight and bias to optimisers, running statistics only to the state dict', () => {
    const bn = new BatchNorm2d(3);
    expect(bn.namedParameters().map((p) => [p.name, p.variable.trainable, p.decay])).toEqual([
      ['weight', true, false],
      ['bias', true, false],
      ['running_mean', false, false],
      ['running_var', false, false],
    ]);
    expect(bn.parameters()).toHaveLength(2);
    bn.dispose();
  });

  it('passes a finite-difference gradient check in training mode', () => {
    const bn = new BatchNorm2d(2);
    bn.weight.assign(tf.tensor1d([1.5, -0.7]));
    const x = tf.tensor4d([0.3, -1.2, 0.8, 0.4, -0.5, 1.1, 2.0, -0.3, 0.1, 0.9, -1.4, 0.6], [3, 1, 2, 2]);
    const w = tf.tensor4d([1, -2, 0.5, 3, -1, 0.25, 2, 1, -0.5, 1.5, 0.7, -1], [3, 1, 2, 2]);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(bn.forward(v as tf.Tensor4D), w)) as tf.Scalar;
    const g = tf.grad(f)(x);
    expect(checkGradients(f, [x], { eps: 1e-2, probes: x.size }).maxRelError).toBeLessThan(5e-3);
    // the gradient of a batch-normalised output sums to zero over each channel
    const sums = tf.tidy(() => Array.from(g.sum([0, 1, 2]).dataSync()));
    sums.forEach((s) => expect(Math.abs(s)).toBeLessThan(1e-4));
    tf.dispose([x, w, g]);
    bn.dispose();
  });

  it('rejects the wrong channel count', () => {
    const bn = new BatchNorm2d(2);
    tf.tidy(() => {
      expect(() => bn.forward(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D)).toThrow(/input \[1,2,2,3\] is not \[B, H, W, 2\]/);
    });
    bn.dispose();
  });
});
