import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { globalNorm } from './grads.js';

describe('globalNorm', () => {
  useBackend('cpu');
  it('is the L2 norm over all tensors and exposes non-finite values', () => {
    expect(globalNorm({ a: tf.tensor1d([3]), b: tf.tensor2d([[4, 0]]) })).toBeCloseTo(5);
    expect(globalNorm({})).toBe(0);
    expect(Number.isFinite(globalNorm({ a: tf.tensor1d([Infinity]) }))).toBe(false);
  });
});
