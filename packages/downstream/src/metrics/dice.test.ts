import { describe, expect, it } from 'vitest';
import { dice, perImageDice } from './dice.js';

describe('dice', () => {
  it('matches a hand-worked example', () => {
    // prediction > 0.5 at pixels 0,1,2 ; target at 1,2,3 → 2·2 / (3 + 3)
    expect(dice([0.9, 0.6, 0.7, 0.5, 0.1], [0, 1, 1, 1, 0])).toBeCloseTo(2 / 3, 15);
  });
  it('thresholds strictly: 0.5 is background', () => {
    expect(dice([0.5, 0.5], [1, 1])).toBe(0);
  });
  it('scores an image with both masks empty by the empty convention', () => {
    expect(dice([0.1, 0.2], [0, 0])).toBe(1);
    expect(dice([0.1, 0.2], [0, 0], { emptyScore: 0 })).toBe(0);
    expect(dice([0.9, 0.2], [0, 0])).toBe(0);
  });
  it('averages per image, not over pooled pixels', () => {
    // image 0: perfect (1 pixel); image 1: 1 of 3 predicted pixels right, 1 target → 2/(3+1)
    const probs = [1, 0, 0, 0, 1, 1, 1, 0];
    const targets = [1, 0, 0, 0, 1, 0, 0, 0];
    const r = perImageDice(probs, targets, 4);
    expect(r.perImage).toEqual([1, 0.5]);
    expect(r.mean).toBe(0.75);
    // pooled Dice would be 2·2/(4+2) = 0.667 — a different number
  });
  it('rejects mismatched shapes', () => {
    expect(() => perImageDice([1, 0, 1], [1, 0], 1)).toThrow(/3 predicted pixels but 2 target pixels/);
    expect(() => perImageDice([1, 0, 1], [1, 0, 1], 2)).toThrow(/do not split into images of 2 pixels/);
  });
});
