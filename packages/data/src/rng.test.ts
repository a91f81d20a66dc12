import { describe, expect, it } from 'vitest';
import { deriveSeed, SeededRng } from './rng.js';

describe('SeededRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const c = new SeededRng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('resumes exactly from a saved state (JSON round trip)', () => {
    const a = new SeededRng(7);
    for (let i = 0; i < 10; i++) a.next();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const rest = Array.from({ length: 8 }, () => a.next());
    const b = new SeededRng(saved);
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(rest);
    expect(() => new SeededRng([1, 2, 3] as never)).toThrow(/four uint32/);
  });

  it('has sane uniform and normal moments and a permutation shuffle', () => {
    const r = new SeededRng(1);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      u += r.next();
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.01);
    const p = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('derives distinct seeds from keys', () => {
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
  });
});
