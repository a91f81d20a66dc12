import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { Dropout } from './dropout.js';

describe('Dropout', () => {
  useBackend('cpu');

  it('zeros about p of the elements and rescales the rest in training; identity in eval', () => {
    const d = new Dropout(0.25, new Rng(1));
    const x = tf.ones([4000]);
    const y = Array.from(d.forward(x).dataSync());
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.25)).toBeLessThan(0.03);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    d.eval();
    expect(d.forward(x)).toBe(x);
  });

  it('is deterministic for a seed and rejects p outside [0, 1)', () => {
    const a = new Dropout(0.5, new Rng(9)).forward(tf.ones([50])).dataSync();
    const b = new Dropout(0.5, new Rng(9)).forward(tf.ones([50])).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => new Dropout(1, new Rng(1))).toThrow(/\[0, 1\)/);
  });
});
