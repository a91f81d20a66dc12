import { Rng } from '@ecamp/core';

/** Options of {@link selectFraction}. */
export interface FractionOptions<T> {
  /**
   * Draw the fraction separately inside each group of items with the same key
   * (e.g. the class of a multi-class set), so rare classes keep their share.
   * Each non-empty group keeps at least one item.
   */
  stratifyBy?: (item: T, index: number) => string;
}

/**
 * Deterministic training subset for the paper's 1 % / 10 % / 100 % label
 * fractions. The items are shuffled once by `seed` and a prefix of
 * `round(fraction · n)` (at least 1) is kept, in original order. With the same
 * seed the subsets are nested: the 1 % list is contained in the 10 % list.
 *
 * @param items the full training list
 * @param fraction in (0, 1]
 * @param seed any finite number; the same seed gives the same subset
 * @returns the kept items, in their original order
 */
export function selectFraction<T>(items: readonly T[], fraction: number, seed: number, options: FractionOptions<T> = {}): T[] {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`selectFraction: fraction must be in (0, 1], got ${fraction}`);
  if (items.length === 0) return [];
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = options.stratifyBy ? options.stratifyBy(item, i) : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  });
  const keep: number[] = [];
  // Sorted keys and a stream forked per key: the subset does not depend on Map insertion order.
  const root = new Rng(seed);
  for (const key of [...groups.keys()].sort()) {
    const indices = groups.get(key)!;
    const count = Math.max(1, Math.round(fraction * indices.length));
    root.fork(`fraction:${key}`).shuffle(indices);
    keep.push(...indices.slice(0, count));
  }
  return keep.sort((a, b) => a - b).map((i) => items[i]);
}
