/**
 * The loader's resumable position. All randomness of the loader is derived
 * from `(seed, epoch, index)`: the epoch's order is a shuffle seeded by
 * `(seed, epoch)` and each sample's augmentation draws from a generator seeded
 * by `(seed, epoch, index)`. So `{ seed, epoch, index }` IS the RNG state and a
 * run resumed from a checkpoint sees exactly the batches it would have seen.
 */
import { deriveSeed, Rng, type RngState } from '@ecamp/io';

/** Where the loader stands: the next record to read is `order(epoch)[index]`. */
export interface LoaderPosition {
  /** Base seed of the run. */
  seed: number;
  /** 0-based epoch. */
  epoch: number;
  /** Position in the epoch's order of the next record to read. */
  index: number;
  /** State of the epoch-order generator after shuffling (informational; recomputable from seed and epoch). */
  orderRngState: RngState;
}

/** The order of `n` records in `epoch` (a seeded permutation, or identity without shuffling). */
export function epochOrder(seed: number, epoch: number, n: number, shuffle: boolean): { order: number[]; state: RngState } {
  const rng = Rng.sfc32(deriveSeed(seed, 0x0e90c, epoch));
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) rng.shuffle(order);
  return { order, state: rng.state() };
}

/** The augmentation generator of the sample at `index` of `epoch`. */
export function sampleRng(seed: number, epoch: number, index: number): Rng {
  return Rng.sfc32(deriveSeed(seed, 0x5a3b1e, epoch, index));
}

/** Checks a position read back from a checkpoint. */
export function validatePosition(p: unknown, n: number): LoaderPosition {
  const q = p as LoaderPosition;
  const ok =
    q !== null &&
    typeof q === 'object' &&
    Number.isInteger(q.seed) &&
    Number.isInteger(q.epoch) &&
    q.epoch >= 0 &&
    Number.isInteger(q.index) &&
    q.index >= 0 &&
    q.index <= n &&
    Array.isArray(q.orderRngState) &&
    q.orderRngState.length === 4;
  if (!ok) throw new Error(`loader position: expected { seed, epoch, index ≤ ${n}, orderRngState[4] }, got ${JSON.stringify(p)}`);
  return q;
}
