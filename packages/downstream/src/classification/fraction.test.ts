import { describe, expect, it } from 'vitest';
import { selectFraction } from './fraction.js';

const items = Array.from({ length: 1000 }, (_, i) => i);

describe('selectFraction', () => {
  it('keeps round(fraction·n) items in original order, the same for the same seed', () => {
    const a = selectFraction(items, 0.1, 42);
    expect(a).toHaveLength(100);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(selectFraction(items, 0.1, 42)).toEqual(a);
    expect(selectFraction(items, 0.1, 43)).not.toEqual(a);
    expect(selectFraction(items, 1, 42)).toEqual(items);
  });

  it('nests the 1 % subset inside the 10 % subset', () => {
    const small = selectFraction(items, 0.01, 7);
    const large = new Set(selectFraction(items, 0.1, 7));
    expect(small).toHaveLength(10);
    for (const x of small) expect(large.has(x)).toBe(true);
  });

  it('keeps at least one item and each stratum its share', () => {
    expect(selectFraction([1, 2, 3], 0.01, 1)).toHaveLength(1);
    // 900 of class "a", 100 of class "b" → 10 % keeps 90 + 10
    const labelled = items.map((i) => ({ i, label: i < 900 ? 'a' : 'b' }));
    const sub = selectFraction(labelled, 0.1, 3, { stratifyBy: (x) => x.label });
    expect(sub.filter((x) => x.label === 'a')).toHaveLength(90);
    expect(sub.filter((x) => x.label === 'b')).toHaveLength(10);
  });

  it('rejects fractions outside (0, 1]', () => {
    expect(() => selectFraction(items, 0, 1)).toThrow(/fraction must be in \(0, 1\], got 0/);
    expect(() => selectFraction(items, 1.5, 1)).toThrow(/got 1.5/);
  });
});
