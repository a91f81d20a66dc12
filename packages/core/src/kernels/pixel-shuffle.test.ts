import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { depthToSpace } from './pixel-shuffle.js';

describe.each(BACKENDS)('depthToSpace on %s', (backend) => {
  useBackend(backend);

  it('matches tf.depthToSpace (NHWC) forward', () => {
    const x = tf.randomNormal([2, 3, 2, 12], 0, 1, 'float32', 4) as tf.Tensor4D;
    const ours = depthToSpace(x, 2);
    const ref = tf.depthToSpace(x, 2, 'NHWC');
    expect(ours.shape).toEqual([2, 6, 4, 3]);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBe(0);
  });

  it('has a finite-difference-correct gradient', () => {
    const x = tf.randomNormal([1, 2, 2, 8], 0, 1, 'float32', 5);
    expect(checkGradients((a) => depthToSpace(a as tf.Tensor4D, 2), [x]).maxRelError).toBeLessThan(1e-2);
  });

  it('rejects channels not divisible by r²', () => {
    expect(() => depthToSpace(tf.zeros([1, 1, 1, 6]) as tf.Tensor4D, 2)).toThrow(/not divisible/);
  });
});
