/**
 * A seeded random source for tests (mulberry32). Production code takes core's `Rng`;
 * tests use this so they do not depend on core's generator sequence.
 */
import type { TextRng } from '../src/text/context-insertion.js';

export function testRng(seed: number): TextRng {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, int: (n: number) => Math.floor(uniform() * n) };
}
