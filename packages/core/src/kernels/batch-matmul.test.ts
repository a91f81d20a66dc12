import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { batchMatMul, batchMatMulT, resolveBatchMatMulStrategy } from './batch-matmul.js';

describe.each(BACKENDS)('batchMatMul on %s', (backend) => {
  useBackend(backend);

  it.each(['loop', 'batched'] as const)('%s equals tf.matMul and has correct gradients', (strategy) => {
    const a = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const b = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 2) as tf.Tensor3D;
    const y = batchMatMul(a, b, strategy);
    expect(y.shape).toEqual([3, 4, 2]);
    expect(tf.max(tf.abs(tf.sub(y, tf.matMul(a, b)))).dataSync()[0]).toBeLessThan(1e-5);
    expect(checkGradients((x, w) => batchMatMul(x as tf.Tensor3D, w as tf.Tensor3D, strategy), [a, b]).maxRelError).toBeLessThan(1e-2);
  });

  it('resolves auto to batched (the measured winner); rejects non-chaining shapes', () => {
    expect(resolveBatchMatMulStrategy('auto')).toBe('batched');
    expect(resolveBatchMatMulStrategy('loop')).toBe('loop');
    expect(() => batchMatMul(tf.zeros([2, 3, 4]) as tf.Tensor3D, tf.zeros([2, 5, 1]) as tf.Tensor3D)).toThrow(/do not chain/);
  });
});

describe.each(BACKENDS)('batchMatMulT on %s', (backend) => {
  useBackend(backend);

  it('equals tf.matMul with transpose flags, and has correct gradients', () => {
    const a = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 3) as tf.Tensor3D; // used as [2, 4, 5]ᵀ
    const b = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 4) as tf.Tensor3D; // used as [2, 5, 3]ᵀ
    const y = batchMatMulT(a, b, true, true);
    expect(y.shape).toEqual([2, 4, 3]);
    expect(tf.max(tf.abs(tf.sub(y, tf.matMul(a, b, true, true)))).dataSync()[0]).toBeLessThan(1e-5);
    expect(checkGradients((x, w) => batchMatMulT(x as tf.Tensor3D, w as tf.Tensor3D, true, true), [a, b]).maxRelError).toBeLessThan(1e-2);
  });
});
