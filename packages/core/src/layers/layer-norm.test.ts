import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { LayerNorm } from './layer-norm.js';

describe.each(BACKENDS)('LayerNorm on %s', (backend) => {
  useBackend(backend);

  it('normalises the last axis with biased variance, then scales and shifts', () => {
    const ln = new LayerNorm(4, { eps: 1e-5 });
    tf.tidy(() => {
      ln.weight.assign(tf.tensor1d([1, 2, 1, 1]));
      ln.bias.assign(tf.tensor1d([0, 0, 0, 1]));
    });
    const y = ln.forward(tf.tensor2d([[1, 2, 3, 4]])).dataSync();
    const sd = Math.sqrt(1.25 + 1e-5);
    const expected = [-1.5 / sd, (2 * -0.5) / sd, 0.5 / sd, 1.5 / sd + 1];
    expected.forEach((e, i) => expect(y[i]).toBeCloseTo(e, 5));
    expect(ln.namedParameters().every((p) => p.decay === false)).toBe(true);
    ln.dispose();
  });

  it('has finite-difference-correct gradients for input, weight and bias', () => {
    const x = tf.randomNormal([3, 6], 0, 1, 'float32', 2);
    const w = tf.randomNormal([6], 1, 0.3, 'float32', 3);
    const b = tf.randomNormal([6], 0, 0.3, 'float32', 4);
    const ln = new LayerNorm(6);
    const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
      ln.weight.assign(wi);
      ln.bias.assign(bi);
      return ln.forward(xi);
    };
    // assign() is not differentiable, so check the input gradient through the layer and the
    // parameter gradients with variableGrads against finite differences of the same function.
    expect(checkGradients((xi) => f(xi, w, b), [x]).maxRelError).toBeLessThan(1e-2);
    tf.tidy(() => {
      ln.weight.assign(w);
      ln.bias.assign(b);
    });
    const proj = tf.randomNormal([3, 6], 0, 1, 'float32', 5);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(ln.forward(x), proj)) as tf.Scalar, ln.parameters());
    const normed = tf.div(tf.sub(x, tf.mean(x, -1, true)), tf.sqrt(tf.add(tf.moments(x, -1, true).variance, 1e-5)));
    const expectW = tf.sum(tf.mul(proj, normed), 0);
    const expectB = tf.sum(proj, 0);
    expect(tf.max(tf.abs(tf.sub(grads[ln.weight.name], expectW))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(grads[ln.bias.name], expectB))).dataSync()[0]).toBeLessThan(1e-4);
    ln.dispose();
  });

  it('rejects the wrong width', () => {
    expect(() => new LayerNorm(4).forward(tf.zeros([2, 3]))).toThrow(/LayerNorm\(4\)/);
  });
});
