import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('uniform lies in [0,1) with mean ≈ 0.5; normal has mean ≈ 0, std ≈ 1', () => {
    const r = new Rng(1);
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

  it('int covers [0, n) and rejects bad n', () => {
    const r = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(5));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => r.int(0)).toThrow(/positive integer/);
  });

  it('shuffle is a permutation and seeded', () => {
    const s1 = new Rng(5).shuffle([...Array(20).keys()]);
    const s2 = new Rng(5).shuffle([...Array(20).keys()]);
    expect(s1).toEqual(s2);
    expect([...s1].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(s1).not.toEqual([...Array(20).keys()]);
  });

  it('state/setState resumes the exact stream', () => {
    const r = new Rng(11);
    r.next();
    const st = r.state();
    const expected = [r.next(), r.next(), r.next()];
    const q = new Rng(999);
    q.setState(st);
    expect([q.next(), q.next(), q.next()]).toEqual(expected);
    expect(() => q.setState([0, 0, 0, 0])).toThrow(/all-zero/);
    expect(() => q.setState([1, 2])).toThrow(/four uint32/);
  });

  it('fork gives label-dependent streams without advancing the parent', () => {
    const r = new Rng(2);
    const before = r.state();
    const f1 = r.fork('a');
    const f2 = r.fork('a');
    const f3 = r.fork('b');
    expect(r.state()).toEqual(before);
    const x1 = f1.next();
    expect(f2.next()).toBe(x1);
    expect(f3.next()).not.toBe(x1);
    expect(r.next()).not.toBe(x1);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(NaN)).toThrow(/finite/);
  });
});
