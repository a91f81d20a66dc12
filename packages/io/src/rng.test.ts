import { describe, expect, it } from 'vitest';
import { deriveSeed, mix32, Rng } from './rng.js';

// Sequences of the two generators as they were before they met here (core's Rng and data's
// SeededRng): checkpoints, loader positions, the synthetic set and test fixtures depend on them.
describe('Rng streams are the ones committed results were made with', () => {
  it('xoshiro128** (new Rng(seed))', () => {
    const x = new Rng(42);
    expect(x.algorithm).toBe('xoshiro128**');
    expect([x.next(), x.next(), x.next()]).toEqual([2837322924, 544945897, 479756282]);
    expect(x.uniform(-2, 3)).toBe(2.0746970823965967);
    expect(x.normal(1, 2)).toBe(1.8008573977094895);
    expect([x.int(7), x.int(1000), x.int(3)]).toEqual([5, 688, 0]);
    expect(x.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([6, 7, 5, 1, 0, 8, 4, 9, 3, 2]);
    expect(x.fork('aug').next()).toBe(1487515458);
    expect(x.state()).toEqual([2050360170, 2127003965, 1542201946, 911031022]);
    expect(new Rng(2 ** 40 + 5).next()).toBe(626942406);
  });

  it('sfc32 (Rng.sfc32(seedOrState))', () => {
    const s = Rng.sfc32(42);
    expect(s.algorithm).toBe('sfc32');
    expect([s.next(), s.next(), s.next()]).toEqual([2280616204, 1720093136, 3924029038]);
    expect(s.uniform()).toBe(0.9144026341382414);
    expect(s.uniform(-2, 3)).toBe(-1.8565498134121299);
    expect(s.normal(1, 2)).toBe(-2.372025357815331);
    expect([s.int(7), s.int(1000), s.int(3)]).toEqual([3, 319, 0]);
    expect([s.bernoulli(0.3), s.bernoulli(0.9)]).toEqual([true, true]);
    expect(s.pick(['a', 'b', 'c', 'd'])).toBe('b');
    expect(s.weighted([1, 5, 2])).toBe(2);
    expect(s.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([8, 9, 1, 4, 2, 3, 5, 7, 6, 0]);
    expect(s.state()).toEqual([714391388, 2695630419, 1824673960, 36]);
    const r = Rng.sfc32([1, 2, 3, 4]);
    expect([r.next(), r.next()]).toEqual([7, 34]);
  });

  it('seed derivation', () => {
    expect([deriveSeed(1, 2), deriveSeed(7), deriveSeed(5, 3, 9)]).toEqual([687297095, 3838393609, 2977827305]);
    expect(mix32(123)).toBe(1965001953);
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
  });
});

describe.each([
  ['xoshiro128**', (seed: number) => new Rng(seed)],
  ['sfc32', (seed: number) => Rng.sfc32(seed)],
] as const)('Rng (%s)', (_name, make) => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = make(7);
    const b = make(7);
    const c = make(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('uniform lies in [0,1) with mean ≈ 0.5; normal has mean ≈ 0, std ≈ 1', () => {
    const r = make(1);
    const u = r.uniformArray(20000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 1);
    const n = r.normalArray(20000);
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it('int covers [0, n) and rejects bad n; pick refuses an empty array', () => {
    const r = make(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(5));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => r.int(0)).toThrow(/positive integer/);
    expect(() => r.int(2.5)).toThrow(/positive integer/);
    expect(() => r.pick([])).toThrow(/empty array/);
  });

  it('shuffle is a seeded permutation', () => {
    const s1 = make(5).shuffle([...Array(20).keys()]);
    expect(make(5).shuffle([...Array(20).keys()])).toEqual(s1);
    expect([...s1].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(s1).not.toEqual([...Array(20).keys()]);
  });

  it('state/setState resumes the exact stream (through JSON)', () => {
    const r = make(11);
    r.next();
    const st = JSON.parse(JSON.stringify(r.state())) as number[];
    const expected = [r.next(), r.next(), r.next()];
    const q = make(999);
    q.setState(st);
    expect([q.next(), q.next(), q.next()]).toEqual(expected);
    expect(() => q.setState([1, 2])).toThrow(/four uint32/);
    expect(() => q.setState([1, 2, 3, -1])).toThrow(/four uint32/);
  });

  it('fork gives label-dependent streams of the same algorithm without advancing the parent', () => {
    const r = make(2);
    const before = r.state();
    const f1 = r.fork('a');
    const f2 = r.fork('a');
    const f3 = r.fork('b');
    expect(r.state()).toEqual(before);
    expect(f1.algorithm).toBe(r.algorithm);
    const x1 = f1.next();
    expect(f2.next()).toBe(x1);
    expect(f3.next()).not.toBe(x1);
    expect(r.next()).not.toBe(x1);
  });

  it('rejects a non-finite seed', () => {
    expect(() => make(NaN)).toThrow(/finite/);
  });
});

describe('Rng state checks', () => {
  it('an all-zero xoshiro state is refused; sfc32 accepts it', () => {
    expect(() => new Rng(1).setState([0, 0, 0, 0])).toThrow(/all-zero/);
    expect(() => Rng.sfc32([0, 0, 0, 0])).not.toThrow();
    expect(() => Rng.sfc32([1, 2, 3] as never)).toThrow(/four uint32/);
  });
});
