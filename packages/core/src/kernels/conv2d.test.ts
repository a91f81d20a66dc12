import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { conv2d, conv2dPadAmounts, im2col } from './conv2d.js';

describe.each(BACKENDS)('conv2d on %s', (backend) => {
  useBackend(backend);
  let x: tf.Tensor4D;
  let w: tf.Tensor4D;
  beforeAll(() => {
    x = tf.randomNormal([2, 5, 6, 3], 0, 1, 'float32', 10) as tf.Tensor4D;
    w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 11) as tf.Tensor4D;
  });

  it('matches tf.conv2d forward for same/valid/explicit padding and strides', () => {
    for (const stride of [1, 2]) {
      for (const padding of ['same', 'valid'] as const) {
        const ours = conv2d(x, w, undefined, { stride, padding });
        const ref = tf.conv2d(x, w, stride, padding);
        expect(ours.shape).toEqual(ref.shape);
        expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBeLessThan(1e-4);
      }
    }
    const p1 = conv2d(x, w, undefined, { padding: 1 });
    expect(p1.shape).toEqual([2, 5, 6, 4]);
  });

  it('im2col rows times the reshaped kernel equal the convolution', () => {
    const cols = im2col(
      tf.pad(x, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]) as tf.Tensor4D,
      3,
      3,
      1,
    );
    const viaGemm = tf.matMul(cols, tf.reshape(w, [27, 4])).reshape([2, 5, 6, 4]);
    expect(tf.max(tf.abs(tf.sub(viaGemm, tf.conv2d(x, w, 1, 'same')))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it('has finite-difference-correct input, filter and bias gradients (stride 1 and 2)', () => {
    const b = tf.randomNormal([4], 0, 1, 'float32', 12);
    for (const stride of [1, 2]) {
      for (const padding of ['same', 'valid', 1] as const) {
        const r = checkGradients((a, k, bi) => conv2d(a as tf.Tensor4D, k as tf.Tensor4D, bi as tf.Tensor1D, { stride, padding }), [x, w, b], { probes: 8 });
        expect(r.maxRelError, `stride ${stride} padding ${padding}`).toBeLessThan(1e-2);
      }
    }
  });

  it('computes TF same padding and rejects bad shapes', () => {
    expect(conv2dPadAmounts(5, 6, 3, 3, 2, 'same')).toEqual([1, 1, 0, 1]);
    expect(() => conv2d(x, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D)).toThrow(/does not match weight/);
    expect(() => conv2dPadAmounts(4, 4, 3, 3, 1, -1)).toThrow(/non-negative/);
  });
});
