import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { softmaxCrossEntropyWithIntLabels } from './softmax-cross-entropy.js';

describe.each(BACKENDS)('softmaxCrossEntropyWithIntLabels on %s', (backend) => {
  useBackend(backend);

  it('equals −log softmax at the label and ignores negative labels', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
      [5, 1, 1],
    ]);
    const loss = softmaxCrossEntropyWithIntLabels(logits, tf.tensor1d([2, 1, -100], 'int32')).dataSync();
    const lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(loss[0]).toBeCloseTo(lse0 - 3, 5);
    expect(loss[1]).toBeCloseTo(Math.log(3), 5);
    expect(loss[2]).toBe(0);
  });

  it('gradient is softmax − onehot (finite differences), zero for ignored rows', () => {
    const logits = tf.randomNormal([4, 7], 0, 2, 'float32', 3);
    const labels = tf.tensor1d([1, 6, -100, 0], 'int32');
    expect(checkGradients((l) => softmaxCrossEntropyWithIntLabels(l, labels), [logits]).maxRelError).toBeLessThan(1e-2);
    const g = tf.grad((l: tf.Tensor) => tf.sum(softmaxCrossEntropyWithIntLabels(l, labels)))(logits);
    expect(Array.from(g.slice([2, 0], [1, 7]).dataSync())).toEqual(new Array(7).fill(0));
    // each valid row of softmax − onehot sums to zero
    const rowSums = tf.sum(g, 1).dataSync();
    expect(Math.abs(rowSums[0]) + Math.abs(rowSums[1])).toBeLessThan(1e-5);
  });

  it('rejects labels >= V, naming the row', () => {
    expect(() => softmaxCrossEntropyWithIntLabels(tf.zeros([2, 3]), tf.tensor1d([0, 3], 'int32'))).toThrow(/label 3 at row 1 is >= V=3/);
  });
});
