import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { checkGradients } from '../testing/grad-check.js';
import { linear } from './linear.js';

describe.each(BACKENDS)('linear on %s', (backend) => {
  useBackend(backend);
  const rng = new Rng(1);
  const rand = (shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);

  it('matches x·W + b for rank-3 input', () => {
    const x = rand([2, 3, 4]);
    const w = rand([4, 5]);
    const b = rand([5]);
    const y = linear(x, w, b);
    expect(y.shape).toEqual([2, 3, 5]);
    const ref = tf.add(tf.matMul(tf.reshape(x, [6, 4]), w), b).reshape([2, 3, 5]);
    expect(tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('has correct gradients (finite differences), with and without bias', () => {
    const x = rand([2, 3, 4]);
    const w = rand([4, 5]);
    const b = rand([5]);
    expect(checkGradients((xi, wi, bi) => linear(xi, wi, bi), [x, w, b]).maxRelError).toBeLessThan(1e-2);
    expect(checkGradients((xi, wi) => linear(xi, wi), [x, w]).maxRelError).toBeLessThan(1e-2);
  });

  it('rejects mismatched shapes with a clear message', () => {
    expect(() => linear(rand([2, 3]), rand([4, 5]))).toThrow(/input last dim 3 does not match weight \[4,5\]/);
    expect(() => linear(rand([2, 4]), rand([4, 5]), rand([4]))).toThrow(/bias must be \[5\]/);
  });
});
