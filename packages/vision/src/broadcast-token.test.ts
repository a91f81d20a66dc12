import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { broadcastToken } from './broadcast-token.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('broadcastToken', () => {
  it('repeats the token and sums the gradient over every copy', () => {
    const token = tf.tensor3d([1, 2, 3], [1, 1, 3]);
    const out = broadcastToken(token, 2, 4);
    expect(out.shape).toEqual([2, 4, 3]);
    expect(Array.from(out.dataSync().slice(9, 12))).toEqual([1, 2, 3]);
    const weights = tf.randomUniform([2, 4, 3], 0, 1, 'float32', 1);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(broadcastToken(t, 2, 4), weights)))(token);
    const expected = tf.reshape(tf.sum(weights, [0, 1]), [1, 1, 3]);
    expect(tf.max(tf.abs(tf.sub(g, expected))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([token, out, weights, g, expected]);
  });

  it('rejects non-token shapes', () => {
    const bad = tf.zeros([2, 1, 3]);
    expect(() => broadcastToken(bad, 1, 1)).toThrow(/\[1, 1, D\], got \[2,1,3\]/);
    bad.dispose();
  });
});
