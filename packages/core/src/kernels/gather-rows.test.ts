import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { gatherRows } from './gather-rows.js';

describe.each(BACKENDS)('gatherRows on %s', (backend) => {
  useBackend(backend);

  it('looks up rows for any id shape', () => {
    const table = tf.tensor2d([
      [0, 1],
      [10, 11],
      [20, 21],
    ]);
    const out = gatherRows(
      table,
      tf.tensor2d(
        [
          [2, 0],
          [1, 1],
        ],
        [2, 2],
        'int32',
      ),
    );
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.dataSync())).toEqual([20, 21, 0, 1, 10, 11, 10, 11]);
  });

  it('scatter-adds the gradient (duplicates accumulate) and matches finite differences', () => {
    const table = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
    const ids = tf.tensor1d([0, 2, 2, 5], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.sum(gatherRows(t, ids)))(table);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(checkGradients((t) => gatherRows(t, ids), [table]).maxRelError).toBeLessThan(1e-2);
  });

  it('rejects float ids', () => {
    expect(() => gatherRows(tf.ones([2, 2]), tf.tensor1d([0]))).toThrow(/int32/);
  });
});
