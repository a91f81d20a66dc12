import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { takeAlongAxis1 } from './take-along-axis.js';

describe.each(BACKENDS)('takeAlongAxis1 on %s', (backend) => {
  useBackend(backend);

  it('gathers per sample on axis 1 (torch.gather with expanded ids)', () => {
    const x = tf.tensor3d([
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      [
        [10, 10],
        [11, 11],
        [12, 12],
      ],
    ]);
    const idx = tf.tensor2d(
      [
        [2, 0],
        [1, 1],
      ],
      [2, 2],
      'int32',
    );
    const out = takeAlongAxis1(x, idx);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.dataSync())).toEqual([2, 2, 0, 0, 11, 11, 11, 11]);
  });

  it('has a finite-difference-correct gradient', () => {
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 2);
    const idx = tf.tensor2d(
      [
        [0, 3, 4],
        [4, 4, 1],
      ],
      [2, 3],
      'int32',
    );
    expect(checkGradients((a) => takeAlongAxis1(a, idx), [x]).maxRelError).toBeLessThan(1e-2);
  });

  it('rejects an index with the wrong batch', () => {
    expect(() => takeAlongAxis1(tf.ones([2, 3, 1]), tf.zeros([3, 1], 'int32'))).toThrow(/idx must be \[B=2, K\]/);
  });
});
