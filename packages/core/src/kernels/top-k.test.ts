import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { topK } from './top-k.js';

describe.each(BACKENDS)('topK on %s', (backend) => {
  useBackend(backend);

  it('returns the k largest values (sorted) and their indices per row', () => {
    const x = tf.tensor3d([[[1, 5, 3, 4]], [[9, 0, 2, 8]]]);
    const { values, indices } = topK(x, 2);
    expect(values.shape).toEqual([2, 1, 2]);
    expect(Array.from(values.dataSync())).toEqual([5, 4, 9, 8]);
    expect(Array.from(indices.dataSync())).toEqual([1, 3, 0, 3]);
  });

  it('routes the gradient to the selected elements only (finite differences)', () => {
    const x = tf.tensor2d([
      [0.1, 2.0, -1.0, 0.7],
      [3.0, -2.0, 0.5, 1.5],
    ]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(topK(a, 2).values))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 1, 1, 0, 0, 1]);
    // well-separated values so the ±eps probes do not change the selection
    expect(checkGradients((a) => topK(a, 2).values, [x]).maxRelError).toBeLessThan(1e-2);
  });

  it('rejects k out of range', () => {
    expect(() => topK(tf.zeros([2, 3]), 4)).toThrow(/k=4 must be in \[1, 3\]/);
  });
});
