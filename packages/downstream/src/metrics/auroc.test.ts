import { describe, expect, it } from 'vitest';
import { auroc, multiLabelAuroc } from './auroc.js';

/** O(P·N) definition: probability a random positive outranks a random negative, ties ½. */
function bruteForce(scores: number[], targets: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (targets[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (targets[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('auroc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('matches the pairwise definition with ties', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const scores = Array.from({ length: 200 }, () => Math.round(rand() * 20) / 20);
    const targets = scores.map((s) => (rand() < 0.3 + 0.4 * s ? 1 : 0));
    expect(auroc(scores, targets)).toBeCloseTo(bruteForce(scores, targets), 12);
  });

  it('is NaN with one class and rejects non-binary targets', () => {
    expect(auroc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(() => auroc([0.1, 0.2], [0, 2])).toThrow(/expected 0 or 1/);
    expect(() => auroc([0.1], [0, 1])).toThrow(/1 scores but 2 targets/);
  });

  it('averages defined labels in the multi-label form', () => {
    // label 0 perfect, label 1 reversed, label 2 constant target (undefined)
    const scores = [0.1, 0.9, 0.5, 0.9, 0.1, 0.5];
    const targets = [0, 0, 1, 1, 1, 1];
    const r = multiLabelAuroc(scores, targets, 3);
    expect(r.perLabel[0]).toBe(1);
    expect(r.perLabel[1]).toBe(0);
    expect(r.perLabel[2]).toBeNaN();
    expect(r.mean).toBe(0.5);
  });
});
