import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, tf } from '@ecamp/core';
import { bceWithLogits } from './bce-with-logits.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('bceWithLogits', () => {
  const x = [2.5, -1, 0, 40, -40, 0.3];
  const t = [1, 0, 1, 0, 1, 0.25];

  it('equals −t·log σ(x) − (1 − t)·log(1 − σ(x)) in float64, and stays finite at ±40', () => {
    const expected =
      x.reduce((s, xi, i) => {
        // log σ(x) = −log1p(e^{−x}) written stably for both signs
        const logP = xi >= 0 ? -Math.log1p(Math.exp(-xi)) : xi - Math.log1p(Math.exp(xi));
        const logQ = logP - xi; // log(1 − σ(x)) = log σ(x) − x
        return s - t[i] * logP - (1 - t[i]) * logQ;
      }, 0) / x.length;
    const loss = tf.tidy(() => bceWithLogits(tf.tensor2d(x, [2, 3]), tf.tensor2d(t, [2, 3])).dataSync()[0]);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(expected, 5);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('has the analytic gradient (σ(x) − t)/N, confirmed by finite differences', () => {
    const xs = tf.tensor2d([0.7, -1.3, 2.1, -0.2], [2, 2]);
    const ts = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const g = tf.grad((v: tf.Tensor) => bceWithLogits(v, ts))(xs);
    const analytic = [0.7, -1.3, 2.1, -0.2].map((v, i) => (sigmoid(v) - [1, 0, 0, 1][i]) / 4);
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(analytic[i], 5));
    expect(checkGradients((v) => bceWithLogits(v, ts), [xs], { probes: xs.size }).maxRelError).toBeLessThan(2e-3);
    tf.dispose([xs, ts, g]);
  });

  it('rejects mismatched shapes', () => {
    tf.tidy(() => {
      expect(() => bceWithLogits(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/logits \[2,3\] and targets \[2,2\]/);
    });
  });
});
