import { describe, expect, it } from 'vitest';
import { useBackend } from '../test/backends.js';
import { ones, truncNormal, uniformInit, xavierUniform, zeros } from './init.js';
import { Rng } from '@ecamp/io/rng';

describe('initialisers', () => {
  useBackend('cpu');

  it('xavierUniform stays within ±sqrt(6/(fanIn+fanOut)), is seeded, and uses the receptive field for convs', () => {
    const w = xavierUniform([64, 32], new Rng(1));
    const v = Array.from(w.dataSync());
    const a = Math.sqrt(6 / 96);
    expect(Math.max(...v)).toBeLessThanOrEqual(a);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-a);
    expect(Math.max(...v)).toBeGreaterThan(0.9 * a);
    expect(Array.from(xavierUniform([64, 32], new Rng(1)).dataSync())).toEqual(Array.from(v));
    const k = Array.from(xavierUniform([3, 3, 4, 8], new Rng(2)).dataSync());
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (9 * 12)));
    expect(() => xavierUniform([5], new Rng(1))).toThrow(/rank >= 2/);
  });

  it('truncNormal has the requested std (slightly reduced by truncation) and no value beyond 2σ', () => {
    const v = Array.from(truncNormal([20000], new Rng(3), 0.02).dataSync());
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.04 + 1e-7);
    // std of N(0,1) truncated at ±2 is 0.8796
    expect(sd / 0.02).toBeCloseTo(0.88, 1);
  });

  it('uniformInit, zeros and ones', () => {
    const u = Array.from(uniformInit([1000], new Rng(4), -0.5, 0.25).dataSync());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...u)).toBeLessThan(0.25);
    expect(Array.from(zeros([2]).dataSync())).toEqual([0, 0]);
    expect(Array.from(ones([2]).dataSync())).toEqual([1, 1]);
  });
});
