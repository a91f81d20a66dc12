import { describe, expect, it } from 'vitest';
import { boxIou, perImageMaskIou } from './iou.js';
import { perImageDice } from './dice.js';

describe('boxIou', () => {
  it('matches hand-worked overlaps', () => {
    expect(boxIou([0, 0, 2, 2], [1, 1, 3, 3])).toBeCloseTo(1 / 7, 15);
    expect(boxIou([0, 0, 4, 4], [0, 0, 4, 4])).toBe(1);
    expect(boxIou([0, 0, 4, 4], [0, 0, 4, 2])).toBe(0.5);
    expect(boxIou([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0); // touching edges
    expect(boxIou([1, 1, 1, 1], [1, 1, 1, 1])).toBe(0); // empty boxes
  });
  it('is symmetric', () => {
    const a = [3.5, 1, 9, 7.25];
    const b = [2, 4, 6, 12];
    expect(boxIou(a, b)).toBe(boxIou(b, a));
  });
  it('rejects malformed boxes', () => {
    expect(() => boxIou([0, 0, 1], [0, 0, 1, 1])).toThrow(/first box: a box needs 4 numbers/);
  });
});

describe('perImageMaskIou', () => {
  it('relates to Dice by J = D / (2 − D) per image', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const probs = Array.from({ length: 6 * 25 }, rand);
    const targets = Array.from({ length: 6 * 25 }, () => (rand() < 0.4 ? 1 : 0));
    const iou = perImageMaskIou(probs, targets, 25);
    const d = perImageDice(probs, targets, 25);
    iou.perImage.forEach((j, i) => expect(j).toBeCloseTo(d.perImage[i] / (2 - d.perImage[i]), 12));
  });
  it('gives the empty score when both masks are empty', () => {
    expect(perImageMaskIou([0, 0], [0, 0], 2).mean).toBe(1);
  });
});
