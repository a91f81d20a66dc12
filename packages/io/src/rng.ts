/**
 * The seeded random generator of ECAMP.ts. Every random choice flows from an {@link Rng}, so a run
 * is a pure function of its seed; `state()` / `setState()` let a checkpoint resume a stream.
 *
 * One class, two generators, because saved states and committed results depend on both:
 * - `new Rng(seed)`: xoshiro128** seeded through splitmix32 — tensors' initialisation, masking,
 *   augmentation, everything `@ecamp/core` draws; `int` is unbiased (rejection sampling);
 * - `Rng.sfc32(seedOrState)`: sfc32 — the synthetic data set and the loader's epoch order of
 *   `@ecamp/data`, whose loader positions store its state; `int` is `floor(uniform() · n)`, as
 *   those streams were made.
 * Both keep their state in four uint32 words ({@link RngState}) and offer the same methods.
 * No Node API is used: this module runs in browsers too (`@ecamp/io/rng`).
 */

/** Serialisable generator state: four unsigned 32-bit words. */
export type RngState = [number, number, number, number];

/** The generator behind an {@link Rng}. */
export type RngAlgorithm = 'xoshiro128**' | 'sfc32';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a string, used to derive forked streams from labels. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Mixes a 32-bit value (a splitmix32 finaliser); used to derive seeds. */
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

function checkWords(state: readonly number[], who: string): void {
  if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
    throw new Error(`${who}: expected four uint32 words, got ${JSON.stringify(state)}`);
  }
}

/**
 * Deterministic pseudo-random generator (see the module comment for its two algorithms).
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();                    // in [0, 1)
 * const aug = rng.fork('augment');  // independent stream, parent not advanced
 */
export class Rng {
  private s: RngState;
  private readonly sfc: boolean;

  /** An xoshiro128** generator. @param seed any finite number; non-integers are truncated. */
  constructor(seed: number);
  constructor(seed: number, algorithm: RngAlgorithm);
  constructor(seed: number, algorithm: RngAlgorithm = 'xoshiro128**') {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.sfc = algorithm === 'sfc32';
    if (this.sfc) {
      const s = Math.floor(seed) >>> 0;
      const a = mix32(s);
      const b = mix32(a ^ 0x6a09e667);
      const c = mix32(b ^ 0xbb67ae85);
      this.s = [a, b, c, 1];
      // Warm up so nearby seeds decorrelate.
      for (let i = 0; i < 12; i++) this.next();
    } else {
      const hi = Math.floor(seed / 0x100000000);
      const sm = splitmix32((seed >>> 0) ^ Math.imul(hi >>> 0, 0x9e3779b1));
      this.s = [sm(), sm(), sm(), sm()];
      if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    }
  }

  /** An sfc32 generator from a seed, or resumed from a saved {@link RngState}. */
  static sfc32(seedOrState: number | readonly number[]): Rng {
    if (typeof seedOrState === 'number') return new Rng(seedOrState, 'sfc32');
    const r = new Rng(0, 'sfc32');
    r.setState(seedOrState);
    return r;
  }

  /** Which generator this is. */
  get algorithm(): RngAlgorithm {
    return this.sfc ? 'sfc32' : 'xoshiro128**';
  }

  /** Next raw 32-bit unsigned integer. */
  next(): number {
    const s = this.s;
    if (this.sfc) {
      const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;
      s[3] = (s[3] + 1) >>> 0;
      s[0] = (s[1] ^ (s[1] >>> 9)) >>> 0;
      s[1] = (s[2] + (s[2] << 3)) >>> 0;
      s[2] = ((s[2] << 21) | (s[2] >>> 11)) >>> 0;
      s[2] = (s[2] + t) >>> 0;
      return t;
    }
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution; with `lo, hi` in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.next() / 0x100000000);
  }

  /** Normal sample (Box–Muller) with mean `mean` and standard deviation `std`. */
  normal(mean = 0, std = 1): number {
    // 1 - u keeps the log argument in (0, 1].
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    if (this.sfc) return Math.floor(this.uniform() * n);
    // Rejection sampling avoids modulo bias.
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.next();
    while (x >= limit) x = this.next();
    return x % n;
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty array');
    return items[this.int(items.length)];
  }

  /** An index drawn with the given non-negative weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let r = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }

  /**
   * An independent stream (same algorithm) derived from this one's current state and `label`.
   * Does not advance this generator, so the same label at the same point gives the same stream.
   */
  fork(label: string): Rng {
    const h = hashString(label);
    const child = new Rng(0, this.algorithm);
    const sm = splitmix32((this.s[0] ^ h ^ Math.imul(this.s[2], 0x27d4eb2d)) >>> 0);
    child.s = [(sm() ^ this.s[1]) >>> 0, (sm() ^ this.s[3]) >>> 0, (sm() ^ h) >>> 0, sm()];
    if ((child.s[0] | child.s[1] | child.s[2] | child.s[3]) === 0) child.s[0] = 1;
    return child;
  }

  /** Copy of the internal state (for checkpoints). */
  state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  /** Restores a state from {@link Rng.state} of a generator of the same algorithm. */
  setState(state: readonly number[]): void {
    checkWords(state, 'Rng.setState');
    if (!this.sfc && (state[0] | state[1] | state[2] | state[3]) === 0) throw new Error('Rng.setState: all-zero state is invalid');
    this.s = [state[0] >>> 0, state[1] >>> 0, state[2] >>> 0, state[3] >>> 0];
  }

  /** A Float32Array of uniform samples in [lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  /** A Float32Array of normal samples. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }
}
