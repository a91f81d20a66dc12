import { describe, it } from 'vitest';
import { expectMatchesReference, randomInput as rand, requireNativeBackend } from '../../../test/native.js';
import { tf } from '../../tf.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

describe('native Conv2D and its gradients against the cpu reference', () => {
  requireNativeBackend();

  // [input shape, filter shape, stride, padding]: few channels take the plane stencils (stride 1,
  // Cin·Cout ≤ 64), the rest im2col + GEMM.
  const cases: Array<[number[], number[], number, Pad]> = [
    [[2, 9, 11, 3], [3, 3, 3, 3], 1, 'same'], // SR head: planes
    [[1, 8, 8, 3], [3, 3, 3, 5], 1, 'valid'],
    [
      [2, 7, 6, 2],
      [3, 3, 2, 4],
      1,
      [
        [0, 0],
        [1, 2],
        [2, 0],
        [0, 0],
      ],
    ], // explicit, asymmetric
    [[2, 10, 9, 4], [3, 3, 4, 20], 1, 'same'], // GEMM path (4·20 > 64)
    [[2, 11, 12, 5], [3, 3, 5, 6], 2, 'same'], // stride 2
    [[2, 32, 32, 3], [16, 16, 3, 8], 16, 'valid'], // patch embedding
    [[1, 5, 5, 1], [5, 5, 1, 1], 1, 'valid'], // kernel as large as the input
  ];

  it.each(cases)('forward: x %j, filter %j, stride %i, padding %j', async (xs, ws, stride, pad) => {
    await expectMatchesReference((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad), [rand(xs, 1), rand(ws, 2)], 1e-4);
  });

  it.each(cases)('input and filter gradients: x %j, filter %j, stride %i, padding %j', async (xs, ws, stride, pad) => {
    await expectMatchesReference(
      (x, w) => {
        // A quadratic loss: dy = 2y, so rounding in y is not amplified as a sin() would.
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)));
        return tf.grads(f)([x, w]);
      },
      [rand(xs, 3), rand(ws, 4)],
      // dx sums Cout terms of |2y·w| ~ 50 that cancel to ~1: float32 rounding of y (768-term sums)
      // shows up at ~1e-4 of the result on either backend.
      1e-3,
    );
  });

  it('an empty batch gives an empty output and a zero filter gradient', async () => {
    await expectMatchesReference((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), [rand([0, 5, 5, 3], 1), rand([3, 3, 3, 3], 2)]);
  });
});
