import { describe, expect, it } from 'vitest';
import { expectMatchesReference, randomInput as rand, requireNativeBackend } from '../../../test/native.js';
import { tf } from '../../tf.js';

describe('native BatchMatMul / _FusedMatMul against the cpu reference', () => {
  requireNativeBackend();

  it.each([
    [[3, 5], [5, 4], false, false],
    [[5, 3], [5, 4], true, false],
    [[3, 5], [4, 5], false, true],
    [[5, 3], [4, 5], true, true],
    [[1, 1], [1, 1], false, false],
    [[33, 65], [65, 17], false, false], // odd sizes, large enough to be split over threads
    [[130, 70], [90, 70], false, true],
  ] as const)('2-D %j · %j (transposeA %s, transposeB %s)', async (as, bs, ta, tb) => {
    await expectMatchesReference((a, b) => tf.matMul(a, b, ta, tb), [rand([...as], 1), rand([...bs], 2)], 1e-4);
  });

  it.each([
    [[4, 3, 5], [4, 5, 2], false, false],
    [[4, 5, 3], [4, 2, 5], true, true],
    [[1, 3, 5], [6, 5, 2], false, false], // one side a single matrix: broadcast
    [[6, 3, 5], [1, 5, 2], false, false],
    [[2, 3, 4, 5], [2, 3, 5, 6], false, false], // rank 4
    [[3, 40, 64], [3, 64, 50], false, false], // fewer matrices than 2×threads: split
  ] as const)('batched %j · %j (transposeA %s, transposeB %s)', async (as, bs, ta, tb) => {
    await expectMatchesReference((a, b) => tf.matMul(a, b, ta, tb), [rand([...as], 3), rand([...bs], 4)], 1e-4);
  });

  it('empty dimensions give empty or zero results', async () => {
    await expectMatchesReference((a, b) => tf.matMul(a, b), [rand([0, 3], 1), rand([3, 4], 2)]);
    await expectMatchesReference((a, b) => tf.matMul(a, b), [rand([2, 0], 1), rand([0, 4], 2)]);
  });

  it('int32 products reach the wasm kernel, which refuses them as on the wasm backend', () => {
    expect(() => tf.matMul(tf.ones([3, 4], 'int32'), tf.ones([4, 2], 'int32'))).toThrow(/non-float32/);
  });

  it.each([
    ['linear', [7]],
    ['relu', [7]],
    ['linear', [1]],
    ['relu', [1, 7]],
  ] as const)('fused product + bias (%s, bias %j), and its gradients', async (activation, biasShape) => {
    await expectMatchesReference(
      (a, b, bias) => tf.fused.matMul({ a, b, bias, activation }),
      [rand([9, 5], 5), rand([5, 7], 6), rand([...biasShape], 7)],
      1e-4,
    );
    await expectMatchesReference(
      (a, b, bias) => {
        const g = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: c, activation }))),
        );
        return g([a, b, bias]);
      },
      [rand([9, 5], 5), rand([5, 7], 6), rand([...biasShape], 7)],
      1e-4,
    );
  });

  it('fused product with transposed operands', async () => {
    await expectMatchesReference(
      (a, b, bias) => tf.fused.matMul({ a, b, bias, transposeA: true, transposeB: true }),
      [rand([5, 9], 8), rand([7, 5], 9), rand([7], 10)],
      1e-4,
    );
  });

  it('gradients of a batched product', async () => {
    await expectMatchesReference(
      (a, b) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, false, true))))([a, b]),
      [rand([3, 6, 4], 11), rand([3, 5, 4], 12)],
      1e-4,
    );
  });
});
