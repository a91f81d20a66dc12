/**
 * A small seeded pseudo-random generator (sfc32) whose whole state is four
 * uint32 words, so a loader position or a synthetic sample can be reproduced
 * from a JSON checkpoint. It is deliberately independent of `@ecamp/core`
 * (which owns the tensor-side RNG) so that readers and the image pipeline run
 * without loading any tensor code.
 */

/** Serialisable generator state: four unsigned 32-bit words. */
export type RngState = [number, number, number, number];

/** Mixes a 32-bit value (splitmix32 finaliser); used to derive seeds. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}

/** Derives an independent 32-bit seed from a base seed and any number of integer keys. */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let h = mix32(seed >>> 0);
  for (const k of keys) h = mix32((h ^ mix32(k >>> 0)) >>> 0);
  return h;
}

/** Seeded generator with uniform, integer, normal and shuffle helpers. */
export class SeededRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Creates a generator from a seed (any integer) or from a saved {@link RngState}. */
  constructor(seedOrState: number | RngState) {
    if (Array.isArray(seedOrState)) {
      if (seedOrState.length !== 4 || seedOrState.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
        throw new Error(`SeededRng: state must be four uint32 words, got ${JSON.stringify(seedOrState)}`);
      }
      [this.a, this.b, this.c, this.d] = seedOrState;
    } else {
      if (!Number.isFinite(seedOrState)) throw new Error(`SeededRng: seed must be a finite number, got ${seedOrState}`);
      const s = Math.floor(seedOrState) >>> 0;
      this.a = mix32(s);
      this.b = mix32(this.a ^ 0x6a09e667);
      this.c = mix32(this.b ^ 0xbb67ae85);
      this.d = 1;
      // Warm up so nearby seeds decorrelate.
      for (let i = 0; i < 12; i++) this.nextUint32();
    }
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`SeededRng.int: n must be >= 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal draw (Box–Muller). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRng.pick: empty array');
    return items[this.int(items.length)];
  }

  /** Index drawn with the given non-negative weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A copy of the state, for checkpoints. */
  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }
}
