import { describe, expect, it } from 'vitest';
import { boxSum, integralImage, selectWindow } from './select.js';
import { Rng } from '../../test/helpers/rng.js';

/** Brute-force mass of every window, for comparison with the integral image. */
function bruteForce(map: number[], n: number, k: number): { i: number; j: number; mass: number }[] {
  const out = [];
  for (let i = 0; i + k <= n; i++) {
    for (let j = 0; j + k <= n; j++) {
      let m = 0;
      for (let y = i; y < i + k; y++) for (let x = j; x < j + k; x++) m += map[y * n + x];
      out.push({ i, j, mass: m });
    }
  }
  return out;
}

describe('integral image', () => {
  it('gives the same box sums as summing cells directly', () => {
    const rng = new Rng(3);
    const n = 7;
    const map = Array.from({ length: n * n }, () => rng.next());
    const s = integralImage(map, n);
    for (const [r, c, h, w] of [
      [0, 0, 7, 7],
      [2, 3, 4, 2],
      [6, 6, 1, 1],
      [1, 0, 3, 5],
    ]) {
      let direct = 0;
      for (let y = r; y < r + h; y++) for (let x = c; x < c + w; x++) direct += map[y * n + x];
      expect(boxSum(s, n, r, c, h, w)).toBeCloseTo(direct, 12);
    }
  });

  it('rejects a map of the wrong size', () => {
    expect(() => integralImage([1, 2, 3], 2)).toThrow(/expected 2×2/);
  });
});

describe('selectWindow', () => {
  it('finds a known optimum: a hot spot in the bottom-right corner selects (2, 2)', () => {
    const map = new Array(196).fill(0.001);
    map[13 * 14 + 13] = 1; // bottom-right cell only the (2,2) window contains
    expect(selectWindow(map)).toMatchObject({ i: 2, j: 2 });
  });

  it('distinguishes rows from columns: a hot spot at row 0, column 13 selects (0, 2)', () => {
    const map = new Array(196).fill(0);
    map[0 * 14 + 13] = 5;
    const w = selectWindow(map);
    expect(w).toEqual({ i: 0, j: 2, mass: 5 });
  });

  it('agrees with brute force on random maps (mass and position)', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 50; t++) {
      const map = Array.from({ length: 196 }, () => rng.next() ** 4);
      const all = bruteForce(map, 14, 12);
      const best = all.reduce((a, b) => (b.mass > a.mass ? b : a));
      const got = selectWindow(map);
      expect(got.mass).toBeCloseTo(best.mass, 10);
      expect({ i: got.i, j: got.j }).toEqual({ i: best.i, j: best.j });
    }
  });

  it('breaks ties towards the centre: a uniform map selects (1, 1)', () => {
    expect(selectWindow(new Array(196).fill(1 / 196))).toMatchObject({ i: 1, j: 1 });
  });

  it('supports other geometries', () => {
    const map = new Array(64).fill(0);
    map[7 * 8 + 0] = 1; // bottom-left of an 8×8 grid
    expect(selectWindow(map, { gridSize: 8, windowCells: 4, cellPx: 8 })).toMatchObject({ i: 4, j: 0 });
  });

  it('rejects non-finite values, naming the cell', () => {
    const map = new Array(196).fill(0);
    map[17] = NaN;
    expect(() => selectWindow(map)).toThrow(/cell 17/);
  });
});
