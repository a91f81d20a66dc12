import { describe, expect, it } from 'vitest';
import { useBackend } from '../test/backends.js';
import { tf } from './tf.js';

describe('tf (re-exported namespace)', () => {
  useBackend('wasm');

  it('has chained ops, registered gradients and the wasm backend', () => {
    expect(tf.findBackendFactory('wasm')).not.toBeNull();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    expect(x.mean().dataSync()[0]).toBe(2.5);
    // a few gradients users rely on: matMul, softmax, erf
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.erf(tf.softmax(tf.matMul(v, v)))))(x);
    expect(g.shape).toEqual([2, 2]);
    expect(Number.isFinite(g.sum().dataSync()[0])).toBe(true);
  });
});
