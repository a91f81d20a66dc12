import { describe, expect, it } from 'vitest';
import { decodeSiimRle, encodeSiimRle } from './rle.js';

describe('SIIM run-length encoding', () => {
  it('scans columns first with starts relative to the previous run end', () => {
    // 3 wide × 2 high; foreground at (x=0,y=1) and (x=1,y=0),(x=1,y=1) → column-major 0 1 | 1 1 | 0 0
    const mask = new Uint8Array([0, 1, 0, 1, 1, 0]);
    expect(encodeSiimRle(mask, 3, 2)).toBe('1 3');
    const mask2 = new Uint8Array([1, 0, 0, 0, 0, 1]); // (0,0) and (2,1): positions 0 and 5
    expect(encodeSiimRle(mask2, 3, 2)).toBe('0 1 4 1');
    expect(Array.from(decodeSiimRle('0 1 4 1', 3, 2))).toEqual(Array.from(mask2));
  });

  it('round-trips random masks and writes -1 for an empty mask', () => {
    let s = 1;
    const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const mask = new Uint8Array(17 * 11).map(() => (rand() < 0.3 ? 1 : 0));
    expect(Array.from(decodeSiimRle(encodeSiimRle(mask, 17, 11), 17, 11))).toEqual(Array.from(mask));
    expect(encodeSiimRle(new Uint8Array(6), 3, 2)).toBe('-1');
    expect(decodeSiimRle('-1', 3, 2).every((v) => v === 0)).toBe(true);
  });

  it('accumulates several rows of one image and rejects bad text', () => {
    const m = decodeSiimRle('0 1', 3, 2);
    decodeSiimRle('5 1', 3, 2, m);
    expect(Array.from(m)).toEqual([1, 0, 0, 0, 0, 1]);
    expect(() => decodeSiimRle('1 2 3', 3, 2, undefined, 'siim.csv line 4')).toThrow(/siim.csv line 4.*pairs/);
    expect(() => decodeSiimRle('4 5', 3, 2)).toThrow(/beyond/);
  });
});
