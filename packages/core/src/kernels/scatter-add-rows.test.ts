import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { scatterAddRows } from './scatter-add-rows.js';

describe.each(BACKENDS)('scatterAddRows on %s', (backend) => {
  useBackend(backend);

  it('sums duplicate ids into their rows', () => {
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    const up = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const out = scatterAddRows(ids, up, 4);
    expect(out.shape).toEqual([4, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
  });

  it('throws on out-of-range ids, naming the position', () => {
    expect(() => scatterAddRows(tf.tensor1d([0, 5], 'int32'), tf.ones([2, 3]), 4)).toThrow(/id 5 at position 1/);
  });

  it('handles a 30k-row table quickly enough to train (linear in N·D)', () => {
    const ids = tf.tensor1d(
      Int32Array.from({ length: 2048 }, (_, i) => (i * 7919) % 30000),
      'int32',
    );
    const up = tf.ones([2048, 64]);
    const out = scatterAddRows(ids, up, 30000);
    expect(out.shape).toEqual([30000, 64]);
    expect(tf.sum(out).dataSync()[0]).toBe(2048 * 64);
  });
});
