import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, binaryAccuracy, topOneAccuracy } from './accuracy.js';

describe('argmaxRows', () => {
  it('picks the largest entry per row and the lowest index on ties', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 5, 5, 1, -3, -2, -1], 3))).toEqual([1, 0, 2]);
  });
  it('rejects a length that is not a multiple of the class count', () => {
    expect(() => argmaxRows([1, 2, 3], 2)).toThrow(/not a multiple of 2/);
    expect(() => argmaxRows([1, 2], 0)).toThrow(/positive integer/);
  });
});

describe('accuracy', () => {
  it('counts exact matches', () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([1], [1, 2])).toThrow(/1 predictions but 2 targets/);
  });
  it('top-1 matches a hand-worked example', () => {
    // rows: argmax 2, 0, 1 ; targets 2, 1, 1 → 2 of 3 correct
    const scores = [0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.2, 0.5, 0.3];
    expect(topOneAccuracy(scores, [2, 1, 1], 3)).toBeCloseTo(2 / 3, 15);
    expect(() => topOneAccuracy(scores, [2, 1, 3], 3)).toThrow(/target 2 is 3/);
  });
  it('binary accuracy thresholds strictly above the threshold', () => {
    expect(binaryAccuracy([0.5, 0.51, 0.2, 0.9], [0, 1, 0, 0])).toBe(0.75);
    expect(binaryAccuracy([-1, 2], [0, 1], 0)).toBe(1);
    expect(() => binaryAccuracy([0.2], [2])).toThrow(/expected 0 or 1/);
  });
});
