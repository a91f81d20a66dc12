import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { layerNorm } from './layer-norm.js';

/** Reference by tfjs autodiff. */
function plain(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), w), b);
}

describe.each(BACKENDS)('layerNorm kernel on %s', (backend) => {
  useBackend(backend);

  it('matches the autodiff formulation in value and in all three gradients', () => {
    const x = tf.randomNormal([2, 3, 8], 0.5, 2, 'float32', 1);
    const w = tf.randomNormal([8], 1, 0.3, 'float32', 2);
    const b = tf.randomNormal([8], 0, 0.3, 'float32', 3);
    const proj = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 4);
    expect(tf.max(tf.abs(tf.sub(layerNorm(x, w, b, 1e-6), plain(x, w, b, 1e-6)))).dataSync()[0]).toBeLessThan(1e-5);
    const ours = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, c, e, 1e-6), proj)))([x, w, b]);
    const ref = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => tf.sum(tf.mul(plain(a, c, e, 1e-6), proj)))([x, w, b]);
    ours.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, ref[i]))).dataSync()[0]).toBeLessThan(1e-4));
    expect(checkGradients((a, c, e) => layerNorm(a, c, e), [x, w, b]).maxRelError).toBeLessThan(1e-2);
  });

  it('rejects mismatched parameters', () => {
    expect(() => layerNorm(tf.zeros([2, 4]), tf.ones([3]), tf.zeros([4]))).toThrow(/must be \[4\]/);
  });
});
