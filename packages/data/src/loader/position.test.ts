import { describe, expect, it } from 'vitest';
import { epochOrder, sampleRng, validatePosition } from './position.js';

describe('loader position', () => {
  it('derives a permutation per epoch and per-sample generators from (seed, epoch, index)', () => {
    const a = epochOrder(1, 0, 20, true);
    expect([...a.order].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochOrder(1, 0, 20, true).order).toEqual(a.order);
    expect(epochOrder(1, 1, 20, true).order).not.toEqual(a.order);
    expect(epochOrder(1, 0, 5, false).order).toEqual([0, 1, 2, 3, 4]);
    expect(sampleRng(1, 0, 3).next()).toBe(sampleRng(1, 0, 3).next());
    expect(sampleRng(1, 0, 3).next()).not.toBe(sampleRng(1, 0, 4).next());
  });

  it('validates positions read back from checkpoints', () => {
    const p = { seed: 1, epoch: 2, index: 3, orderRngState: [1, 2, 3, 4] };
    expect(validatePosition(p, 10)).toEqual(p);
    expect(() => validatePosition({ ...p, index: 11 }, 10)).toThrow(/index ≤ 10/);
    expect(() => validatePosition(null, 10)).toThrow(/loader position/);
  });
});
