import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { stridedSlice } from './strided-slice.js';

describe.each(BACKENDS)('stridedSlice on %s', (backend) => {
  useBackend(backend);

  it('matches tf.stridedSlice forward', () => {
    const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 6);
    const ours = stridedSlice(x, [0, 1, 0, 1], [2, 7, 6, 3], [1, 2, 3, 1]);
    const ref = tf.stridedSlice(x, [0, 1, 0, 1], [2, 7, 6, 3], [1, 2, 3, 1]);
    expect(ours.shape).toEqual(ref.shape);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBe(0);
  });

  it('has a finite-difference-correct gradient (zero outside the slice)', () => {
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 7);
    expect(checkGradients((a) => stridedSlice(a, [1, 0], [3, 5], [1, 2]), [x]).maxRelError).toBeLessThan(1e-2);
    const g = tf.grad((a: tf.Tensor) => tf.sum(stridedSlice(a, [1, 0], [3, 5], [1, 2])))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  });

  it('rejects non-positive strides and wrong ranks', () => {
    expect(() => stridedSlice(tf.zeros([4]), [0], [4], [-1])).toThrow(/must be positive/);
    expect(() => stridedSlice(tf.zeros([4, 4]), [0], [4])).toThrow(/2 entries/);
  });
});
