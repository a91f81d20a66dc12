import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { gradStepTensorLeak } from './leak-check.js';

describe('gradStepTensorLeak', () => {
  useBackend('cpu');

  it('is 0 for a clean step and counts what a leaking one keeps, per measured step', () => {
    const w = tf.variable(tf.tensor1d([0.5, -1, 2]));
    expect(gradStepTensorLeak(() => tf.sum(tf.square(w)) as tf.Scalar, [w])).toBe(0);
    const kept: tf.Tensor[] = [];
    const leaky = () => {
      kept.push(tf.keep(tf.mul(w, 2)));
      return tf.sum(tf.square(w)) as tf.Scalar;
    };
    expect(gradStepTensorLeak(leaky, [w], 3)).toBe(3);
    expect(kept).toHaveLength(4); // the warm-up step and the three measured ones
    tf.dispose([w, ...kept]);
  });

  it('takes gradients with respect to every trainable variable when none are named', () => {
    const a = tf.variable(tf.scalar(1));
    const b = tf.variable(tf.scalar(2));
    expect(gradStepTensorLeak(() => tf.mul(a, b) as tf.Scalar)).toBe(0);
    tf.dispose([a, b]);
  });
});
