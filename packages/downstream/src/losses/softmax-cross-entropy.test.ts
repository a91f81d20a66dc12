import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, tf } from '@ecamp/core';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('softmaxCrossEntropy', () => {
  const rows = [
    [1, 2, 3],
    [500, 0, -500],
  ];
  const labels = [2, 1];

  it('equals the mean of logsumexp − x[label] in float64, stably for large logits', () => {
    const expected =
      rows.reduce((s, r, i) => {
        const m = Math.max(...r);
        const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
        return s + lse - r[labels[i]];
      }, 0) / rows.length;
    const loss = tf.tidy(() => softmaxCrossEntropy(tf.tensor2d(rows), labels).dataSync()[0]);
    expect(loss).toBeCloseTo(expected, 3);
    const fromTensor = tf.tidy(() => softmaxCrossEntropy(tf.tensor2d(rows), tf.tensor1d(labels, 'int32')).dataSync()[0]);
    expect(fromTensor).toBe(loss);
  });

  it('has gradient (softmax − onehot)/B, confirmed by finite differences', () => {
    const x = tf.tensor2d([0.2, -0.5, 1.1, 0.9, 0.1, -0.3], [2, 3]);
    const g = tf.grad((v: tf.Tensor) => softmaxCrossEntropy(v as tf.Tensor2D, [0, 2]))(x);
    expect(checkGradients((v) => softmaxCrossEntropy(v as tf.Tensor2D, [0, 2]), [x], { probes: x.size }).maxRelError).toBeLessThan(2e-3);
    // rows of the gradient sum to zero
    const sums = tf.tidy(() => g.sum(1).dataSync());
    for (const s of sums) expect(Math.abs(s)).toBeLessThan(1e-6);
    tf.dispose([x, g]);
  });

  it('rejects bad labels naming the sample', () => {
    tf.tidy(() => {
      expect(() => softmaxCrossEntropy(tf.zeros([2, 3]) as tf.Tensor2D, [0, 3])).toThrow(/label 1 is 3/);
      expect(() => softmaxCrossEntropy(tf.zeros([2, 3]) as tf.Tensor2D, [0])).toThrow(/2 logit rows but 1 labels/);
    });
  });
});
