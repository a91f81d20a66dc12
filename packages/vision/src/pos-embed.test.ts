import { describe, expect, it } from 'vitest';
import { sincosPositionEmbedding1d, sincosPositionEmbedding2d } from './pos-embed.js';

describe('sincosPositionEmbedding2d', () => {
  it('has a zero cls row and the MAE layout (first half = column, second half = row)', () => {
    const d = 8;
    const g = 3;
    const e = sincosPositionEmbedding2d(d, g);
    expect(e.length).toBe((1 + g * g) * d);
    for (let f = 0; f < d; f++) expect(e[f]).toBe(0);
    // patch (i=1, j=2) is row k = 1*3+2 = 5, i.e. row 6 with the cls row
    const row = Array.from(e.subarray(6 * d, 7 * d));
    // quarter = 2 frequencies: ω = 1, 1/100
    const expected = [Math.sin(2), Math.sin(0.02), Math.cos(2), Math.cos(0.02), Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01)];
    row.forEach((v, idx) => expect(v).toBeCloseTo(expected[idx], 6));
  });

  it('omits the cls row when asked', () => {
    const a = sincosPositionEmbedding2d(16, 4, { clsToken: false });
    const b = sincosPositionEmbedding2d(16, 4);
    expect(a.length).toBe(16 * 16);
    expect(Array.from(a)).toEqual(Array.from(b.subarray(16)));
  });

  it('gives every patch a distinct embedding', () => {
    const d = 192;
    const g = 14;
    const e = sincosPositionEmbedding2d(d, g, { clsToken: false });
    const keys = new Set<string>();
    for (let k = 0; k < g * g; k++)
      keys.add(
        Array.from(e.subarray(k * d, (k + 1) * d))
          .map((v) => v.toFixed(5))
          .join(','),
      );
    expect(keys.size).toBe(g * g);
  });

  it('rejects widths that are not multiples of 4 and bad grids', () => {
    expect(() => sincosPositionEmbedding2d(6, 2)).toThrow(/multiple of 4/);
    expect(() => sincosPositionEmbedding2d(8, 0)).toThrow(/gridSize/);
    expect(() => sincosPositionEmbedding1d(3, [0])).toThrow(/even/);
  });
});
