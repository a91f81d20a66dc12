import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Parameter } from '@ecamp/core';
import { Sgd } from './sgd.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function param(name: string, values: number[], decay = true): Parameter {
  return { name, variable: tf.variable(tf.tensor1d(values), true), decay };
}
const values = (p: Parameter) => Array.from(p.variable.dataSync());

describe('Sgd', () => {
  it('steps p − lr·g first, then with momentum buf = μ·buf + g (hand-worked)', () => {
    const p = param('w', [1, 2]);
    const opt = new Sgd([p], { momentum: 0.5 });
    const g = { w: tf.tensor1d([1, -2]) };
    opt.step(g, 0.1); // buf = g → w = [0.9, 2.2]
    expect(values(p)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(2.2, 6)]);
    opt.step(g, 0.1); // buf = 0.5·g + g = 1.5·g → w = [0.75, 2.5]
    expect(values(p)).toEqual([expect.closeTo(0.75, 6), expect.closeTo(2.5, 6)]);
    expect(opt.stepCount).toBe(2);
    tf.dispose(Object.values(g));
    opt.dispose();
    p.variable.dispose();
  });

  it('adds weight decay to the gradient of decaying parameters only, and scales each parameter’s rate', () => {
    const a = param('a', [2]);
    const b = param('b', [2], false);
    const opt = new Sgd([a, b], { momentum: 0, weightDecay: 0.5 }, (n) => (n === 'b' ? 0.25 : 1));
    const g = { a: tf.tensor1d([0]), b: tf.tensor1d([4]) };
    opt.step(g, 1);
    expect(values(a)).toEqual([expect.closeTo(1, 6)]); // 2 − 1·(0 + 0.5·2)
    expect(values(b)).toEqual([expect.closeTo(1, 6)]); // 2 − 0.25·4, no decay
    tf.dispose(Object.values(g));
    opt.dispose();
    tf.dispose([a.variable, b.variable]);
  });

  it('skips a non-finite step, leaves parameters without a gradient alone, and leaks nothing per step', () => {
    const a = param('a', [1]);
    const b = param('b', [5]);
    const opt = new Sgd([a, b]);
    const bad = { a: tf.tensor1d([Number.NaN]) };
    expect(opt.step(bad, 0.1)).toMatchObject({ applied: false, step: 0 });
    expect(values(a)).toEqual([1]);
    const g = { a: tf.tensor1d([1]) };
    opt.step(g, 0.1); // creates a's momentum buffer
    const before = tf.memory().numTensors;
    opt.step(g, 0.1);
    expect(tf.memory().numTensors).toBe(before);
    expect(values(b)).toEqual([5]);
    tf.dispose([...Object.values(bad), ...Object.values(g)]);
    opt.dispose(); // frees a's momentum buffer
    expect(tf.memory().numTensors).toBe(before - 3);
    tf.dispose([a.variable, b.variable]);
  });

  it('rejects bad settings by name', () => {
    expect(() => new Sgd([], { momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
    expect(() => new Sgd([], { weightDecay: -1 })).toThrow(/weightDecay must be ≥ 0/);
    const a = param('a', [1]);
    expect(() => new Sgd([a, { ...a }])).toThrow(/duplicate parameter name 'a'/);
    expect(() => new Sgd([a], {}, () => 0)).toThrow(/multiplier of 'a' is 0/);
    a.variable.dispose();
  });
});
