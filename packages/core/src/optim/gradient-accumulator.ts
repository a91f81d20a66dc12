import { tf } from '../tf.js';
import type { NamedGrads } from './grads.js';

/**
 * Sums gradients over micro-batches and hands out their mean, for an effective batch larger than
 * memory allows. Owns its sums (kept outside any tidy scope); call `dispose` when done.
 *
 * @example
 * const acc = new GradientAccumulator();
 * for (const mb of microBatches) { const g = grads(mb); acc.add(g); disposeGrads(g); }
 * const mean = acc.mean(); opt.step(mean); disposeGrads(mean); // acc is empty again
 */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();
  private n = 0;

  /** Micro-batches added since the last `mean()`. */
  get count(): number {
    return this.n;
  }

  /** Add one micro-batch's gradients (not consumed). */
  add(grads: NamedGrads): void {
    for (const [k, g] of Object.entries(grads)) {
      const prev = this.sums.get(k);
      const next = tf.keep(prev === undefined ? tf.clone(g) : tf.add(prev, g));
      prev?.dispose();
      this.sums.set(k, next);
    }
    this.n += 1;
  }

  /** Mean over the added micro-batches (new tensors the caller disposes); resets the accumulator. */
  mean(): NamedGrads {
    if (this.n === 0) throw new Error('GradientAccumulator.mean: nothing accumulated');
    const out: NamedGrads = {};
    for (const [k, s] of this.sums) {
      out[k] = tf.keep(tf.div(s, this.n));
      s.dispose();
    }
    this.sums = new Map();
    this.n = 0;
    return out;
  }

  /** Free accumulated sums. */
  dispose(): void {
    for (const s of this.sums.values()) s.dispose();
    this.sums = new Map();
    this.n = 0;
  }
}
