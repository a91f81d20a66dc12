import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { windowMask } from './window-mask.js';

beforeAll(async () => {
  await initBackend();
});

describe('windowMask', () => {
  it('marks rows from i and columns from j (i = row, j = column), one mask per example', () => {
    const geometry = { gridSize: 4, windowCells: 2, cellPx: 2 }; // 8×8 view, 4×4-px windows
    const m = windowMask(
      [
        { i: 2, j: 0 },
        { i: 0, j: 1 },
      ],
      geometry,
    );
    expect(m.shape).toEqual([2, 8, 8, 1]);
    const d = m.dataSync();
    const at = (b: number, y: number, x: number) => d[(b * 8 + y) * 8 + x];
    expect(at(0, 4, 0)).toBe(1); // row 2·2 = 4, column 0
    expect(at(0, 7, 3)).toBe(1);
    expect(at(0, 3, 0)).toBe(0);
    expect(at(0, 4, 4)).toBe(0);
    expect(at(1, 0, 2)).toBe(1);
    expect(at(1, 0, 1)).toBe(0);
    expect(at(1, 4, 2)).toBe(0);
    expect(tf.tidy(() => m.sum([1, 2, 3]).dataSync())).toEqual(Float32Array.from([16, 16]));
    m.dispose();
  });

  it('has 384² ones per example with ECAMP geometry', () => {
    const m = windowMask([{ i: 1, j: 2 }]);
    expect(m.shape).toEqual([1, 448, 448, 1]);
    expect(tf.tidy(() => m.sum().dataSync()[0])).toBe(384 * 384);
    m.dispose();
  });

  it('rejects a window outside the grid, naming the example', () => {
    expect(() =>
      windowMask([
        { i: 0, j: 0 },
        { i: 3, j: 0 },
      ]),
    ).toThrow(/window 1 \(i=3, j=0\)/);
  });
});
