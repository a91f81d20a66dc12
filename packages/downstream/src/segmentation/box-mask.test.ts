import { describe, expect, it } from 'vitest';
import { boxesToMask } from './box-mask.js';

describe('boxesToMask', () => {
  it('fills pixels whose centres are inside, clipped to the image', () => {
    const m = boxesToMask(
      [
        [1, 0, 3, 2],
        [3.6, 2.6, 10, 10],
      ],
      4,
      5,
    );
    // prettier-ignore
    expect(Array.from(m)).toEqual([
      0, 1, 1, 0, 0,
      0, 1, 1, 0, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 1,
    ]);
  });
  it('gives an empty mask without boxes and for a box thinner than a pixel centre gap', () => {
    expect(boxesToMask([], 2, 2).every((v) => v === 0)).toBe(true);
    expect(boxesToMask([[0.6, 0, 1.4, 2]], 2, 2).every((v) => v === 0)).toBe(true);
  });
  it('rejects bad sizes and boxes', () => {
    expect(() => boxesToMask([], 0, 2)).toThrow(/size 0×2/);
    expect(() => boxesToMask([[3, 0, 1, 1]], 4, 4)).toThrow(/box 0: \[3, 0, 1, 1\] has x2 < x1/);
  });
});
