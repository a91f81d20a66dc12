import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { checkGradients } from '../testing/grad-check.js';
import { Linear } from './linear.js';

describe.each(BACKENDS)('Linear on %s', (backend) => {
  useBackend(backend);

  it('has weight [in, out] and bias [out], seeded init', () => {
    const a = new Linear(4, 3, { rng: new Rng(1) });
    const b = new Linear(4, 3, { rng: new Rng(1) });
    expect(a.namedParameters().map((p) => [p.name, p.variable.shape, p.decay])).toEqual([
      ['weight', [4, 3], true],
      ['bias', [3], false],
    ]);
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    expect(new Linear(4, 3, { bias: false }).bias).toBeUndefined();
    const tn = new Linear(100, 100, { init: 'truncnormal', rng: new Rng(2) });
    expect(Math.max(...Array.from(tn.weight.dataSync()).map(Math.abs))).toBeLessThanOrEqual(0.04 + 1e-7);
  });

  it('forward is x·W + b and gradients match finite differences', () => {
    const lin = new Linear(4, 3, { rng: new Rng(3) });
    tf.tidy(() => lin.bias!.assign(tf.tensor1d([1, 2, 3])));
    const x = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 1);
    const ref = tf.add(tf.matMul(tf.reshape(x, [10, 4]), lin.weight), lin.bias!).reshape([2, 5, 3]);
    expect(tf.max(tf.abs(tf.sub(lin.forward(x), ref))).dataSync()[0]).toBeLessThan(1e-5);
    const r = checkGradients((xi) => lin.forward(xi), [x]);
    expect(r.maxRelError).toBeLessThan(1e-2);
    const g = tf.variableGrads(() => tf.sum(lin.forward(x)) as tf.Scalar, lin.parameters());
    expect(Object.keys(g.grads).length).toBe(2);
    lin.dispose();
  });
});
