import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { customOp } from '../kernels/custom-op.js';
import { checkGradients, checkParameterGradients } from './grad-check.js';

describe('checkGradients', () => {
  useBackend('cpu');

  it('passes a correct gradient and catches a wrong one', () => {
    const x = tf.tensor1d([0.3, -1.2, 2]);
    expect(checkGradients((a) => tf.mul(tf.square(a), 3), [x]).maxRelError).toBeLessThan(1e-2);
    const wrong = customOp(([a], save) => {
      save([a]);
      return { value: tf.square(a), gradFunc: (dy, [s]) => [tf.mul(dy, s)] }; // should be 2·a·dy
    });
    expect(checkGradients((a) => wrong(a), [x]).maxRelError).toBeGreaterThan(0.1);
  });

  it('reports an error per input and frees its temporaries', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([3, 4]);
    const before = tf.memory().numTensors;
    const r = checkGradients((p, q) => tf.mul(p, q), [a, b]);
    expect(r.perInput.length).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('checkParameterGradients', () => {
  useBackend('cpu');

  it('passes a correct parameter gradient, catches a wrong one, and restores the variables', () => {
    const w = tf.variable(tf.tensor1d([0.5, -1.5, 2.5]));
    const good = checkParameterGradients(() => tf.sum(tf.mul(tf.square(w), 3)), [w]);
    expect(good[0]).toBeLessThan(1e-2);
    const wrong = customOp(([a], save) => {
      save([a]);
      return { value: tf.square(a), gradFunc: (dy, [s]) => [tf.mul(dy, s)] }; // should be 2·a·dy
    });
    const before = tf.memory().numTensors;
    const bad = checkParameterGradients(() => tf.sum(wrong(w)), [w]);
    expect(bad[0]).toBeGreaterThan(0.1);
    expect(Array.from(w.dataSync())).toEqual([0.5, -1.5, 2.5]);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
