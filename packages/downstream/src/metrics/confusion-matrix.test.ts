import { describe, expect, it } from 'vitest';
import { classReport, confusionMatrix, quadraticWeightedKappa } from './confusion-matrix.js';

describe('confusionMatrix', () => {
  const predicted = [0, 1, 1, 2, 2, 2, 0];
  const targets = [0, 1, 2, 2, 2, 0, 0];

  it('counts rows = actual, columns = predicted', () => {
    expect(confusionMatrix(predicted, targets, 3)).toEqual([
      [2, 0, 1],
      [0, 1, 0],
      [0, 1, 2],
    ]);
  });

  it('rejects out-of-range classes naming the sample', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/prediction 1 is 3/);
    expect(() => confusionMatrix([0, 1], [0, -1], 3)).toThrow(/target 1 is -1/);
  });

  it('derives precision, recall, F1 and accuracies by hand', () => {
    const r = classReport(confusionMatrix(predicted, targets, 3));
    expect(r.precision).toEqual([1, 0.5, 2 / 3]);
    expect(r.recall).toEqual([2 / 3, 1, 2 / 3]);
    expect(r.f1[0]).toBeCloseTo(0.8, 15);
    expect(r.f1[1]).toBeCloseTo(2 / 3, 15);
    expect(r.support).toEqual([3, 1, 3]);
    expect(r.accuracy).toBeCloseTo(5 / 7, 15);
    expect(r.balancedAccuracy).toBeCloseTo((2 / 3 + 1 + 2 / 3) / 3, 15);
  });

  it('quadratic kappa is 1 when perfect and matches a hand-worked value', () => {
    expect(
      quadraticWeightedKappa([
        [3, 0],
        [0, 2],
      ]),
    ).toBe(1);
    // [[1,1],[0,2]]: w = [[0,1],[1,0]], O = 1, rows = [2,2], cols = [1,3], E = (2·3 + 2·1)/4 = 2 → 1 − 1/2
    expect(
      quadraticWeightedKappa([
        [1, 1],
        [0, 2],
      ]),
    ).toBeCloseTo(0.5, 15);
  });
});
