import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad_check.js';
import { scaledDotProductAttention } from './attention.js';

describe.each(BACKENDS)('scaledDotProductAttention on %s', (backend) => {
  useBackend(backend);
  let q: tf.Tensor4D;
  let k: tf.Tensor4D;
  let v: tf.Tensor4D;
  let mask: tf.Tensor;
  beforeAll(() => {
    q = tf.randomNormal([2, 2, 3, 4], 0, 1, 'float32', 13) as tf.Tensor4D;
    k = tf.randomNormal([2, 2, 5, 4], 0, 1, 'float32', 14) as tf.Tensor4D;
    v = tf.randomNormal([2, 2, 5, 4], 0, 1, 'float32', 15) as tf.Tensor4D;
    mask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]);
  });

  it('matches a direct softmax(q·kᵀ·s)·v and gives padded keys zero probability', () => {
    const { output, probs } = scaledDotProductAttention(q, k, v, 0.5, mask);
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 0.5), tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [2, 1, 1, 5]));
    const ref = tf.matMul(tf.softmax(scores), v);
    expect(tf.max(tf.abs(tf.sub(output, ref))).dataSync()[0]).toBeLessThan(1e-5);
    expect(probs.shape).toEqual([2, 2, 3, 5]);
    expect(tf.max(probs.slice([1, 0, 0, 3], [1, 2, 3, 2])).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(tf.sum(probs, -1), 1))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('has finite-difference-correct gradients for q, k and v', () => {
    const r = checkGradients((a, b, c) => scaledDotProductAttention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 0.5, mask).output, [q, k, v]);
    expect(r.maxRelError).toBeLessThan(1e-2);
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => scaledDotProductAttention(q, k, v, 0.5, tf.ones([2, 4]))).toThrow(/keyPaddingMask/);
  });
});
