import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
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
    mask = tf.tensor2d([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ]);
  });

  it('matches a direct softmax(q·kᵀ·s)·v and gives padded keys zero probability', () => {
    const { output, probs } = scaledDotProductAttention(q, k, v, 0.5, { keyPaddingMask: mask, returnProbs: true });
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 0.5), tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [2, 1, 1, 5]));
    const ref = tf.matMul(tf.softmax(scores), v);
    expect(tf.max(tf.abs(tf.sub(output, ref))).dataSync()[0]).toBeLessThan(1e-5);
    expect(probs!.shape).toEqual([2, 2, 3, 5]);
    expect(tf.max(probs!.slice([1, 0, 0, 3], [1, 2, 3, 2])).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(tf.sum(probs!, -1), 1))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it.each(['loop', 'batched'] as const)('has finite-difference-correct gradients for q, k and v (%s matmuls)', (strategy) => {
    const core = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      scaledDotProductAttention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 0.5, { keyPaddingMask: mask, strategy });
    expect(checkGradients((a, b, c) => core(a, b, c).output, [q, k, v]).maxRelError).toBeLessThan(1e-2);
  });

  it('matches tfjs autodiff of the plain formulation exactly enough, including through the probabilities', () => {
    const plain = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const s = tf.add(tf.mul(tf.matMul(a, b, false, true), 0.5), tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [2, 1, 1, 5]));
      const p = tf.softmax(s);
      return tf.add(tf.sum(tf.square(tf.matMul(p, c))), tf.sum(tf.mul(p, p)));
    };
    const ours = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const r = scaledDotProductAttention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 0.5, { keyPaddingMask: mask, returnProbs: true });
      return tf.add(tf.sum(tf.square(r.output)), tf.sum(tf.mul(r.probs!, r.probs!)));
    };
    const g1 = tf.grads(plain)([q, k, v]);
    const g2 = tf.grads(ours)([q, k, v]);
    g1.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, g2[i]))).dataSync()[0]).toBeLessThan(1e-4));
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => scaledDotProductAttention(q, k, v, 0.5, { keyPaddingMask: tf.ones([2, 4]) })).toThrow(/keyPaddingMask/);
  });
});
