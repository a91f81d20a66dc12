import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, tf } from '@ecamp/core';
import { focalLoss, segmentationLoss, softDice } from './mixed-loss.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Float64 reference written from the definitions (probability space). */
function reference(x: number[], t: number[], perImage: number, reduction: 'batch' | 'image') {
  const p = x.map(sigmoid);
  const focal =
    p.reduce((s, pi, i) => {
      const pt = t[i] === 1 ? pi : 1 - pi;
      return s + (1 - pt) ** 2 * -Math.log(pt);
    }, 0) / x.length;
  const diceOf = (from: number, to: number) => {
    let inter = 0;
    let sp = 0;
    let st = 0;
    for (let i = from; i < to; i++) {
      inter += p[i] * t[i];
      sp += p[i];
      st += t[i];
    }
    return (2 * inter + 1) / (sp + st + 1);
  };
  let dice: number;
  if (reduction === 'batch') dice = diceOf(0, x.length);
  else {
    dice = 0;
    for (let b = 0; b < x.length / perImage; b++) dice += diceOf(b * perImage, (b + 1) * perImage);
    dice /= x.length / perImage;
  }
  return { focal, dice, total: 10 * focal - Math.log(dice) };
}

describe('segmentation loss', () => {
  let seed = 5;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const x = Array.from({ length: 2 * 4 * 4 }, () => (rand() - 0.5) * 6);
  const t = Array.from({ length: 2 * 4 * 4 }, () => (rand() < 0.3 ? 1 : 0));
  const shape = [2, 4, 4, 1];

  it('matches the float64 definitions of focal, soft Dice and 10·focal − log Dice', () => {
    for (const reduction of ['batch', 'image'] as const) {
      const ref = reference(x, t, 16, reduction);
      tf.tidy(() => {
        const lx = tf.tensor(x, shape);
        const lt = tf.tensor(t, shape);
        expect(focalLoss(lx, lt).dataSync()[0]).toBeCloseTo(ref.focal, 5);
        expect(softDice(lx, lt, 1, reduction).dataSync()[0]).toBeCloseTo(ref.dice, 5);
        expect(segmentationLoss(lx, lt, { diceReduction: reduction }).dataSync()[0]).toBeCloseTo(ref.total, 4);
      });
    }
  });

  it('focal with γ = 0 is plain binary cross-entropy', () => {
    const bce = x.reduce((s, xi, i) => s - (t[i] ? Math.log(sigmoid(xi)) : Math.log(1 - sigmoid(xi))), 0) / x.length;
    const v = tf.tidy(() => focalLoss(tf.tensor(x, shape), tf.tensor(t, shape), 0).dataSync()[0]);
    expect(v).toBeCloseTo(bce, 5);
  });

  it('passes a finite-difference gradient check', () => {
    const lx = tf.tensor(x.slice(0, 16), [1, 4, 4, 1]);
    const lt = tf.tensor(t.slice(0, 16), [1, 4, 4, 1]);
    const f = (v: tf.Tensor) => segmentationLoss(v, lt);
    const g = tf.grad(f)(lx);
    const err = checkGradients(f, [lx], { eps: 1e-2, probes: lx.size }).maxRelError;
    expect(err).toBeLessThan(5e-3);
    tf.dispose([lx, lt, g]);
  });

  it('rejects mismatched shapes', () => {
    tf.tidy(() => {
      expect(() => segmentationLoss(tf.zeros([1, 4, 4, 1]), tf.zeros([1, 4, 4, 2]))).toThrow(/differ in shape/);
    });
  });
});
