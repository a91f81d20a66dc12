import { describe, expect, it } from 'vitest';
import { lenKeepFor, maskingFromNoise, randomMaskingIndices, type UniformSource } from './masking.js';

/** Small deterministic generator for the tests (mulberry32). */
function testRng(seed: number): UniformSource {
  let a = seed >>> 0;
  return {
    uniform() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

describe('masking', () => {
  it('keeps int(L*(1-ratio)) like MAE', () => {
    expect(lenKeepFor(196, 0.75)).toBe(49);
    expect(lenKeepFor(16, 0.75)).toBe(4);
    expect(lenKeepFor(10, 0.75)).toBe(2);
    expect(lenKeepFor(196, 0)).toBe(196);
    expect(() => lenKeepFor(196, 1)).toThrow(/maskRatio/);
  });

  it('keeps exactly lenKeep per sample; idsRestore inverts the shuffle; mask agrees with idsKeep', () => {
    const B = 5;
    const L = 196;
    const m = randomMaskingIndices(B, L, 0.75, testRng(7));
    expect(m.lenKeep).toBe(49);
    for (let b = 0; b < B; b++) {
      const off = b * L;
      let kept = 0;
      for (let i = 0; i < L; i++) kept += m.mask[off + i] === 0 ? 1 : 0;
      expect(kept).toBe(49);
      for (let i = 0; i < L; i++) expect(m.idsShuffle[off + m.idsRestore[off + i]]).toBe(i);
      const keepSet = new Set(Array.from(m.idsKeep.subarray(b * 49, (b + 1) * 49)));
      expect(keepSet.size).toBe(49);
      for (let i = 0; i < L; i++) expect(m.mask[off + i]).toBe(keepSet.has(i) ? 0 : 1);
      // a permutation of 0..L-1
      expect(new Set(Array.from(m.idsShuffle.subarray(off, off + L))).size).toBe(L);
    }
    // samples are masked independently
    expect(Array.from(m.mask.subarray(0, L))).not.toEqual(Array.from(m.mask.subarray(L, 2 * L)));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = randomMaskingIndices(2, 49, 0.75, testRng(1));
    const b = randomMaskingIndices(2, 49, 0.75, testRng(1));
    const c = randomMaskingIndices(2, 49, 0.75, testRng(2));
    expect(Array.from(a.idsRestore)).toEqual(Array.from(b.idsRestore));
    expect(Array.from(a.idsRestore)).not.toEqual(Array.from(c.idsRestore));
  });

  it('sorts by ascending noise', () => {
    const m = maskingFromNoise([0.9, 0.1, 0.5, 0.3], 1, 4, 0.5);
    expect(Array.from(m.idsShuffle)).toEqual([1, 3, 2, 0]);
    expect(Array.from(m.idsKeep)).toEqual([1, 3]);
    expect(Array.from(m.idsRestore)).toEqual([3, 0, 2, 1]);
    expect(Array.from(m.mask)).toEqual([1, 0, 1, 0]);
  });

  it('rejects bad shapes with a clear message', () => {
    expect(() => maskingFromNoise([0.1, 0.2], 1, 3, 0.5)).toThrow(/noise has 2 values/);
    expect(() => maskingFromNoise([0.1], 1, 1, 0.75)).toThrow(/keeps no patch/);
  });
});
