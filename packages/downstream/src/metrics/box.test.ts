import { describe, expect, it } from 'vitest';
import { checkBox } from './box.js';

describe('checkBox', () => {
  it('accepts a proper box and degenerate (zero-size) boxes', () => {
    expect(() => checkBox([0, 0, 10, 5], 'b')).not.toThrow();
    expect(() => checkBox([3, 3, 3, 3], 'b')).not.toThrow();
  });
  it('names the place and the problem', () => {
    expect(() => checkBox([0, 0, 1], 'gt box 2')).toThrow(/gt box 2: a box needs 4 numbers/);
    expect(() => checkBox([0, Number.NaN, 1, 1], 'p')).toThrow(/p: coordinate 1 is NaN/);
    expect(() => checkBox([5, 0, 1, 1], 'p')).toThrow(/x2 < x1/);
  });
});
