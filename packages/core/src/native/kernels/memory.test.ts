import { describe, expect, it } from 'vitest';
import { expectMatchesReference, randomInput as rand, requireNativeBackend } from '../../../test/native.js';
import { tf } from '../../tf.js';

describe('native data movement against the cpu reference', () => {
  requireNativeBackend();

  it.each([
    [
      [3, 4],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [0, 2, 1],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 1, 3],
    ], // heads ↔ tokens
    [
      [2, 3, 4, 5],
      [3, 1, 0, 2],
    ],
    [
      [8, 40, 70],
      [0, 2, 1],
    ], // tiled inner transpose
    [
      [2, 1, 3, 1, 4],
      [4, 3, 2, 1, 0],
    ], // rank 5 with unit dims
  ])('Transpose %j by %j', async (shape, perm) => {
    await expectMatchesReference((x) => tf.transpose(x, perm), [rand(shape, 1)]);
    await expectMatchesReference((x) => tf.transpose(x, perm), [rand(shape, 2, 'int32')]);
  });

  it.each([
    [
      [5, 6],
      [1, 2],
      [3, -1],
    ],
    [
      [4, 5, 6, 3],
      [1, 0, 2, 0],
      [2, 5, 3, 3],
    ],
    [
      [8, 12, 12, 3],
      [0, 2, 1, 0],
      [8, 9, 10, 3],
    ], // an SR window
    [
      [3, 4],
      [0, 0],
      [0, 4],
    ], // empty
  ])('Slice %j from %j size %j', async (shape, begin, size) => {
    await expectMatchesReference((x) => tf.slice(x, begin, size), [rand(shape, 3)]);
  });

  it('PadV2 with zero and non-zero constants, int32 zeros', async () => {
    await expectMatchesReference(
      (x) =>
        tf.pad(
          x,
          [
            [1, 2],
            [0, 3],
          ],
          0,
        ),
      [rand([3, 4], 4)],
    );
    await expectMatchesReference(
      (x) =>
        tf.pad(
          x,
          [
            [0, 0],
            [2, 1],
            [1, 2],
            [0, 0],
          ],
          -1.5,
        ),
      [rand([2, 5, 4, 3], 5)],
    );
    await expectMatchesReference((x) => tf.pad(x, [[1, 1]], 0), [rand([4], 6, 'int32')]);
    await expectMatchesReference((x) => tf.pad(x, [[1, 1]], 7), [rand([4], 6, 'int32')]);
  });

  it('Concat along every axis, with empty parts', async () => {
    for (const axis of [0, 1, 2, -1]) {
      await expectMatchesReference((a, b, c) => tf.concat([a, b, c], axis), [rand([2, 3, 4], 7), rand([2, 3, 4], 8), rand([2, 3, 4], 9)]);
    }
    await expectMatchesReference((a, b) => tf.concat([a, b], 0), [rand([0, 3], 7), rand([2, 3], 8)]);
    await expectMatchesReference((a, b) => tf.concat([a, b], 1), [rand([2, 3], 7, 'int32'), rand([2, 1], 8, 'int32')]);
  });

  it('SplitV by sizes and by count', async () => {
    await expectMatchesReference((x) => tf.split(x, [1, 3, 2], 1), [rand([4, 6, 5], 10)]);
    await expectMatchesReference((x) => tf.split(x, 3, -1), [rand([2, 9], 11)]);
  });

  it('Identity shares the data yet tensors stay independent', async () => {
    await expectMatchesReference((x) => tf.clone(x), [rand([3, 5], 12)]);
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });

  it('Tile and broadcastTo, float32 and int32', async () => {
    await expectMatchesReference((x) => tf.tile(x, [2, 1, 3]), [rand([2, 3, 4], 16)]);
    await expectMatchesReference((x) => tf.tile(x, [3, 2]), [rand([2, 5], 17, 'int32')]);
    await expectMatchesReference((x) => tf.broadcastTo(x, [4, 3, 5]), [rand([3, 1], 18)]);
  });

  it('ScatterNd adds duplicate rows in order; out-of-range rows are refused', async () => {
    const idx = { values: Int32Array.from([4, 0, 4, 2]), shape: [4, 1] };
    await expectMatchesReference((i, u) => tf.scatterND(i, u, [6, 3]), [idx, rand([4, 3], 19)]);
    await expectMatchesReference((i, u) => tf.scatterND(i, u, [6]), [idx, rand([4], 20)]);
    expect(() => tf.scatterND(tf.tensor2d([[7]], [1, 1], 'int32'), tf.ones([1, 2]), [6, 2])).toThrow(/outside/);
  });

  it('GatherV2 on every axis and with 2-D indices; out-of-range indices are refused', async () => {
    const idx = { values: Int32Array.from([2, 0, 2, 1]), shape: [4] };
    await expectMatchesReference((x, i) => tf.gather(x, i, 0), [rand([3, 5], 13), idx]);
    await expectMatchesReference((x, i) => tf.gather(x, i, 1), [rand([2, 3, 4], 14), idx]);
    await expectMatchesReference((x, i) => tf.gather(x, i, 0), [rand([3, 5], 15), { values: Int32Array.from([0, 1, 2, 2, 1, 0]), shape: [2, 3] }]);
    expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], 'int32'))).toThrow(/index 3 at position 0 is outside \[0, 3\)/);
  });
});
