import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '@ecamp/io/rng';
import { truncNormal, type Initializer } from '../init.js';
import { gatherRows } from '../kernels/gather-rows.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Initialiser (default normal std 0.02, truncated at ±2σ, as BERT). */
  init?: Initializer;
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * Lookup table. Parameter `weight` [num, dim] (same layout as PyTorch's nn.Embedding).
 * Its gradient is an O(N·D) scatter-add, so it trains on wasm and is fast for 30k rows on cpu.
 *
 * @example
 * const emb = new Embedding(30522, 192, { rng });
 * emb.forward(ids); // ids int32 [B, L] → [B, L, 192]
 */
export class Embedding extends Module {
  /** [num, dim] */
  readonly weight: tf.Variable;

  constructor(
    readonly num: number,
    readonly dim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    const rng = opts.rng ?? new Rng(0);
    const w = opts.init ? opts.init([num, dim], rng) : truncNormal([num, dim], rng, 0.02);
    this.weight = this.addParameter('weight', w);
  }

  /** @param ids int32 [...] in [0, num) @returns [..., dim] */
  forward(ids: tf.Tensor): tf.Tensor {
    return gatherRows(this.weight, ids);
  }
}
