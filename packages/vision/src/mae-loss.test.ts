import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, tf } from '@ecamp/core';
import { maeLoss } from './mae-loss.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('maeLoss', () => {
  it('averages the per-patch MSE over removed patches only', () => {
    // B=1, L=2, F=2: patch 0 visible (ignored), patch 1 removed with MSE ((1-0)^2 + (3-1)^2)/2 = 2.5
    const target = tf.tensor3d([
      [
        [0, 0],
        [0, 1],
      ],
    ]);
    const pred = tf.tensor3d([
      [
        [9, 9],
        [1, 3],
      ],
    ]);
    const mask = tf.tensor2d([[0, 1]]);
    expect(maeLoss(target, pred, mask).dataSync()[0]).toBeCloseTo(2.5, 6);
    tf.dispose([target, pred, mask]);
  });

  it('normalises each target patch with its unbiased variance when normPixLoss is on', () => {
    // target patch [1, 3]: mean 2, unbiased var 2 → normalised [-1/√2, 1/√2] (up to eps)
    const target = tf.tensor3d([[[1, 3]]]);
    const pred = tf.tensor3d([[[0, 0]]]);
    const mask = tf.tensor2d([[1]]);
    const n = 1 / Math.sqrt(2 + 1e-6);
    expect(maeLoss(target, pred, mask, { normPixLoss: true }).dataSync()[0]).toBeCloseTo(n * n, 6);
    expect(maeLoss(target, pred, mask).dataSync()[0]).toBeCloseTo(5, 6);
    tf.dispose([target, pred, mask]);
  });

  it('has the finite-difference gradient in pred', () => {
    const target = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    const pred = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
    const mask = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 1],
    ]);
    for (const normPixLoss of [false, true]) {
      const r = checkGradients((p) => maeLoss(target, p, mask, { normPixLoss }), [pred], { probes: 16 });
      expect(r.maxRelError).toBeLessThan(2e-2);
    }
    tf.dispose([target, pred, mask]);
  });

  it('rejects mismatched shapes', () => {
    const a = tf.zeros([1, 2, 3]);
    const b = tf.zeros([1, 2, 4]);
    const m = tf.zeros([1, 3]);
    expect(() => maeLoss(a, b, tf.zeros([1, 2]))).toThrow(/pred \[1,2,4\] and target \[1,2,3\]/);
    expect(() => maeLoss(a, a, m)).toThrow(/mask must be \[B, L\] = \[1,2\]/);
    tf.dispose([a, b, m]);
  });
});
