import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { GradientAccumulator } from './gradient-accumulator.js';

describe('GradientAccumulator', () => {
  useBackend('cpu');
  it('averages micro-batch gradients, resets, and owns no tensors afterwards', () => {
    const before = tf.memory().numTensors;
    const acc = new GradientAccumulator();
    for (const v of [1, 2, 6]) {
      const g = { w: tf.tensor1d([v, -v]) };
      acc.add(g);
      g.w.dispose();
    }
    expect(acc.count).toBe(3);
    const mean = acc.mean();
    expect(Array.from(mean.w.dataSync())).toEqual([3, -3]);
    expect(acc.count).toBe(0);
    mean.w.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => acc.mean()).toThrow(/nothing accumulated/);
  });
});
