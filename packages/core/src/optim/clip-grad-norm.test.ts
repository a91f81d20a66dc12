import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { clipGradNorm } from './clip-grad-norm.js';

describe('clipGradNorm', () => {
  useBackend('cpu');
  it('scales down to maxNorm and reports the norm before clipping', () => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor1d([4]) };
    const { grads: out, norm } = clipGradNorm(grads, 1);
    expect(norm).toBeCloseTo(5);
    expect(out.a.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(out.b.dataSync()[0]).toBeCloseTo(0.8, 5);
  });

  it('returns the same tensors when already within bounds', () => {
    const grads = { a: tf.tensor1d([0.1]) };
    expect(clipGradNorm(grads, 1).grads).toBe(grads);
  });
});
