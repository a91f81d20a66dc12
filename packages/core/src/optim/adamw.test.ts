import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import type { Parameter } from '../module.js';
import { AdamW } from './adamw.js';

function param(name: string, values: number[], decay: boolean): Parameter {
  return { name, variable: tf.variable(tf.tensor1d(values), true, `${name}_${Math.random()}`), decay };
}

/** Scalar AdamW exactly as torch.optim.AdamW documents it. */
function torchAdamW(p: number, grads: number[], lr: number, wd: number, b1: number, b2: number, eps: number): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    p -= lr * wd * p;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
  });
  return p;
}

describe.each(BACKENDS)('AdamW on %s', (backend) => {
  useBackend(backend);

  it('matches the PyTorch update over several steps, with decay only where allowed', () => {
    const w = param('w', [1.0, -2.0], true);
    const b = param('b', [0.5, 0.5], false);
    const opt = new AdamW([w, b], { lr: 0.1, weightDecay: 0.05 });
    const gs = [
      [0.3, -0.1],
      [0.2, 0.4],
      [-0.5, 0.05],
    ];
    for (const g of gs) {
      const grads = { w: tf.tensor1d(g), b: tf.tensor1d(g) };
      expect(opt.step(grads).applied).toBe(true);
    }
    const wv = w.variable.dataSync();
    const bv = b.variable.dataSync();
    expect(wv[0]).toBeCloseTo(
      torchAdamW(
        1.0,
        gs.map((g) => g[0]),
        0.1,
        0.05,
        0.9,
        0.95,
        1e-8,
      ),
      5,
    );
    expect(wv[1]).toBeCloseTo(
      torchAdamW(
        -2.0,
        gs.map((g) => g[1]),
        0.1,
        0.05,
        0.9,
        0.95,
        1e-8,
      ),
      5,
    );
    expect(bv[0]).toBeCloseTo(
      torchAdamW(
        0.5,
        gs.map((g) => g[0]),
        0.1,
        0,
        0.9,
        0.95,
        1e-8,
      ),
      5,
    );
    expect(opt.stepCount).toBe(3);
  });

  it('accepts gradients keyed by variable name and skips parameters without a gradient', () => {
    const w = param('w', [1, 1], true);
    const u = param('u', [3, 3], true);
    const opt = new AdamW([w, u], { lr: 0.1, weightDecay: 0 });
    opt.step({ [w.variable.name]: tf.tensor1d([1, 1]) });
    expect(w.variable.dataSync()[0]).toBeCloseTo(0.9, 5);
    expect(Array.from(u.variable.dataSync())).toEqual([3, 3]);
  });

  it('skips a non-finite step, reports why and leaves parameters unchanged', () => {
    const w = param('w', [1, 2], true);
    const opt = new AdamW([w], { lr: 0.1 });
    const r = opt.step({ w: tf.tensor1d([NaN, 1]) });
    expect(r.applied).toBe(false);
    expect(r.reason).toMatch(/non-finite gradient norm/);
    expect(Array.from(w.variable.dataSync())).toEqual([1, 2]);
    expect(opt.stepCount).toBe(0);
  });

  it('stateDict/loadStateDict resume to the identical trajectory', () => {
    const a = param('w', [1, 2], true);
    const b = param('w', [1, 2], true);
    const optA = new AdamW([a], { lr: 0.05 });
    optA.step({ w: tf.tensor1d([0.1, 0.2]) });
    const optB = new AdamW([b], { lr: 0.05 });
    tf.tidy(() => b.variable.assign(a.variable));
    optB.loadStateDict(optA.stateDict());
    optA.step({ w: tf.tensor1d([0.3, -0.2]) });
    optB.step({ w: tf.tensor1d([0.3, -0.2]) });
    expect(Array.from(b.variable.dataSync())).toEqual(Array.from(a.variable.dataSync()));
    expect(optB.stepCount).toBe(2);
    expect(() => optB.loadStateDict({ step: 1, tensors: { 'm.zzz': tf.zeros([2]) } })).toThrow(/unexpected key 'm.zzz'/);
    optA.dispose();
    optB.dispose();
  });

  it('rejects duplicate parameter names', () => {
    expect(() => new AdamW([param('w', [1], true), param('w', [1], true)], { lr: 1 })).toThrow(/duplicate/);
  });
});
