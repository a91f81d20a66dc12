import { describe, expect, it } from 'vitest';
import { entityMaskRows } from './entity-mask.js';

describe('entityMaskRows', () => {
  it('marks entity positions and ignores positions past the row', () => {
    const rows = entityMaskRows([[0, 2], [], [5]], 4);
    expect(rows.map((r) => Array.from(r))).toEqual([
      [1, 0, 1, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });
});
