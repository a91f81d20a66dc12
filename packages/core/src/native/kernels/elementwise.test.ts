import { describe, it } from 'vitest';
import { expectMatchesReference, randomInput as rand, requireNativeBackend, type Input } from '../../../test/native.js';
import { tf } from '../../tf.js';

const special: Input = { values: Float32Array.from([0, -0, 1, -1, 100, -100, 1e-30, NaN, Infinity, -Infinity, 87, -88, 3.5, -4.5]), shape: [14] };

describe('native element-wise and reduction kernels against the cpu reference', () => {
  requireNativeBackend();

  const binary: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
  ];
  const shapes: Array<[number[], number[]]> = [
    [
      [4, 5],
      [4, 5],
    ],
    [[4, 5], [5]], // bias
    [
      [4, 1],
      [1, 5],
    ], // outer product pattern
    [
      [2, 3, 4],
      [3, 1],
    ],
    [[6], []], // scalar
    [[], [2, 3]],
    [[300000], [300000]], // one long run, split over threads
    [[1000, 3], [3]], // short inner runs
    [[0, 3], [3]],
  ];

  it.each(binary)('%s with broadcasting', async (_, op) => {
    for (const [as, bs] of shapes) await expectMatchesReference((a, b) => op(a, b), [rand(as, 1), rand(bs, 2)]);
  });

  it.each(binary)('%s on special values (NaN and infinities propagate as on cpu)', async (_, op) => {
    await expectMatchesReference((a, b) => op(a, b), [special, { values: special.values.slice().reverse(), shape: [14] }]);
  });

  it('int32 arithmetic falls back to the wasm kernels', async () => {
    await expectMatchesReference((a, b) => tf.add(a, b), [rand([3, 4], 3, 'int32'), rand([4], 4, 'int32')]);
  });

  it.each([
    ['exp', tf.exp, 2e-6],
    ['sqrt', tf.sqrt, 0],
    ['rsqrt', tf.rsqrt, 1e-6],
    ['square', tf.square, 0],
    ['neg', tf.neg, 0],
    ['relu', tf.relu, 0],
    ['abs', tf.abs, 0],
    ['log', tf.log, 1e-6],
    ['erf', tf.erf, 2e-6],
  ] as const)('%s on random and special values', async (_, op, tol) => {
    await expectMatchesReference((x) => op(x), [rand([7, 9], 5)], tol);
    await expectMatchesReference((x) => op(x), [special], tol);
    await expectMatchesReference((x) => op(x), [rand([100000], 6)], tol);
  });

  it.each([
    ['sum', (x: tf.Tensor, axis: number | number[], keep: boolean) => tf.sum(x, axis, keep)],
    ['max', (x: tf.Tensor, axis: number | number[], keep: boolean) => tf.max(x, axis, keep)],
    ['min', (x: tf.Tensor, axis: number | number[], keep: boolean) => tf.min(x, axis, keep)],
    ['mean', (x: tf.Tensor, axis: number | number[], keep: boolean) => tf.mean(x, axis, keep)],
  ] as const)('%s over leading, middle, trailing, all and scattered axes', async (_, op) => {
    for (const [axis, keep] of [
      [-1, false],
      [0, true],
      [1, false],
      [[1, 2], true],
      [[0, 1, 2], false],
      [[0, 2], false],
    ] as const) {
      await expectMatchesReference((x) => op(x, axis as number | number[], keep), [rand([5, 6, 7], 7)], 1e-5);
    }
    // 1000-term sums: float32 rounding of either summation order is ~1e-4 of the terms' scale.
    await expectMatchesReference((x) => op(x, 0, false), [rand([1000, 300], 8)], 2e-4);
    // Few outputs over a long axis (a bias gradient over an image batch): sliced in parallel.
    await expectMatchesReference((x) => op(x, [0, 1], false), [rand([8, 40000, 3], 9)], 2e-3);
  });

  it("Sum and Mean gradients (broadcast by Tile on native) equal tfjs's", async () => {
    for (const axis of [-1, 0, [0, 2]] as const) {
      await expectMatchesReference((x) => tf.grad((a: tf.Tensor) => tf.sum(tf.sin(tf.sum(a, axis as number | number[]))))(x), [rand([4, 5, 6], 9)], 1e-6);
      await expectMatchesReference(
        (x) => tf.grad((a: tf.Tensor) => tf.sum(tf.sin(tf.mean(a, axis as number | number[], true))))(x),
        [rand([4, 5, 6], 10)],
        1e-6,
      );
    }
  });

  it('reductions propagate NaN', async () => {
    await expectMatchesReference((x) => [tf.sum(x), tf.max(x), tf.min(x), tf.mean(x)], [special]);
  });
});
