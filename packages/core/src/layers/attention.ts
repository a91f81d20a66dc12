import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '@ecamp/io/rng';
import { projectedAttention, scaledDotProductAttention, type ProjectedHeads } from '../kernels/attention.js';
import { isNativeBackend } from '../native/runtime.js';
import { Linear, type LinearOptions } from './linear.js';

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /**
   * Width of the keys/values source for cross-attention. When set, the module is a
   * cross-attention with `q` [dim, dim] and `kv` [kvDim, 2·dim] (or `k`, `v` when `fusedKv` is false);
   * otherwise a self-attention with fused `qkv` [dim, 3·dim] (or `q`,`k`,`v` when `fusedQkv` is false).
   */
  kvDim?: number;
  /** Bias on the q/k/v projections (default true). */
  qkvBias?: boolean;
  /** Self-attention: one fused `qkv` projection (timm; default true). */
  fusedQkv?: boolean;
  /** Cross-attention: one fused `kv` projection (default true). */
  fusedKv?: boolean;
  /** Weight init of the projections (default xavier). */
  init?: LinearOptions['init'];
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/** Per-call options of {@link MultiHeadAttention.forward}. */
export interface AttentionForwardOptions {
  /** Keys/values source [B, M, kvDim] (cross-attention). Self-attention when absent. */
  context?: tf.Tensor;
  /** [B, M]: 1 = keep, 0 = padding key. */
  keyPaddingMask?: tf.Tensor;
  /** Also return the attention probabilities [B, H, N, M]. */
  returnAttention?: boolean;
}

/** Output of {@link MultiHeadAttention.forward}. */
export interface AttentionOutput {
  /** [B, N, dim] */
  output: tf.Tensor;
  /** [B, H, N, M] when requested */
  attention?: tf.Tensor;
}

/**
 * timm-style multi-head attention, self or cross. Parameter names: `qkv`, `proj` (self,
 * fused) or `q`, `kv` (or `k`, `v`), `proj` (cross). The fused projections order their output
 * columns [q | k | v], each head-major ([H, hd]), exactly as timm's `reshape(B, N, 3, H, hd)`.
 *
 * @example
 * const attn = new MultiHeadAttention(192, 3, { rng });
 * const { output } = attn.forward(x, { keyPaddingMask }); // x [B, N, 192]
 * const cross = new MultiHeadAttention(768, 12, { kvDim: 192, rng });
 * const r = cross.forward(text, { context: patches, returnAttention: true }); // r.attention [B, 12, L, M]
 */
export class MultiHeadAttention extends Module {
  readonly headDim: number;
  readonly scale: number;
  readonly isCross: boolean;
  readonly qkv?: Linear;
  readonly q?: Linear;
  readonly k?: Linear;
  readonly v?: Linear;
  readonly kv?: Linear;
  readonly proj: Linear;

  constructor(
    readonly dim: number,
    readonly numHeads: number,
    opts: MultiHeadAttentionOptions = {},
  ) {
    super();
    if (dim % numHeads !== 0) throw new Error(`MultiHeadAttention: dim ${dim} not divisible by ${numHeads} heads`);
    const rng = opts.rng ?? new Rng(0);
    this.headDim = dim / numHeads;
    this.scale = this.headDim ** -0.5;
    this.isCross = opts.kvDim !== undefined;
    const lin = (name: string, i: number, o: number): Linear =>
      this.addModule(name, new Linear(i, o, { bias: opts.qkvBias ?? true, init: opts.init, rng: rng.fork(name) }));
    if (!this.isCross) {
      if (opts.fusedQkv ?? true) this.qkv = lin('qkv', dim, 3 * dim);
      else {
        this.q = lin('q', dim, dim);
        this.k = lin('k', dim, dim);
        this.v = lin('v', dim, dim);
      }
    } else {
      const kvDim = opts.kvDim!;
      this.q = lin('q', dim, dim);
      if (opts.fusedKv ?? true) this.kv = lin('kv', kvDim, 2 * dim);
      else {
        this.k = lin('k', kvDim, dim);
        this.v = lin('v', kvDim, dim);
      }
    }
    this.proj = this.addModule('proj', new Linear(dim, dim, { init: opts.init, rng: rng.fork('proj') }));
  }

  /** [B, L, H·hd] → [B, H, L, hd] (rank-4 transpose; rank-5 ones are ~25× slower on wasm). */
  private heads(t: tf.Tensor, b: number, l: number): tf.Tensor4D {
    return tf.transpose(tf.reshape(t, [b, l, this.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  /**
   * q, k, v in head layout [B, H, L, hd].
   * Fused self-attention off wasm uses timm's single rank-5 transpose ([B, N, 3, H, hd] →
   * [3, B, H, N, hd]); on wasm, where rank-5 transposes are ~25× slower than rank-4 ones, the
   * fused output is split first and each part transposed at rank 4.
   */
  private projectHeads(x: tf.Tensor, b: number, n: number, context?: tf.Tensor): tf.Tensor4D[] {
    if (this.qkv) {
      const qkv = this.qkv.forward(x);
      if (tf.getBackend() !== 'wasm') {
        const t = tf.transpose(tf.reshape(qkv, [b, n, 3, this.numHeads, this.headDim]), [2, 0, 3, 1, 4]);
        return tf.unstack(t) as tf.Tensor4D[];
      }
      return tf.split(qkv, 3, 2).map((part) => this.heads(part, b, n));
    }
    if (!this.isCross) return [this.q!, this.k!, this.v!].map((lin) => this.heads(lin.forward(x), b, n));
    const ctx = context!;
    const m = ctx.shape[1] as number;
    const q = this.heads(this.q!.forward(x), b, n);
    const [k, v] = this.kv ? tf.split(this.kv.forward(ctx), 2, 2) : [this.k!.forward(ctx), this.v!.forward(ctx)];
    return [q, this.heads(k, b, m), this.heads(v, b, m)];
  }

  /**
   * @param x [B, N, dim] queries (and keys/values for self-attention)
   * @returns output [B, N, dim]; attention [B, H, N, M] if `returnAttention`
   */
  forward(x: tf.Tensor, opts: AttentionForwardOptions = {}): AttentionOutput {
    if (x.rank !== 3 || x.shape[2] !== this.dim) throw new Error(`MultiHeadAttention(${this.dim}): input [${x.shape}]`);
    if (!this.isCross && opts.context !== undefined) {
      throw new Error('MultiHeadAttention: context given to a self-attention module (construct with kvDim)');
    }
    if (this.isCross && opts.context === undefined) throw new Error('MultiHeadAttention: cross-attention needs context');
    const [b, n] = x.shape as number[];
    if (isNativeBackend()) return this.forwardNative(x, opts);
    const result = tf.tidy(() => {
      const [qh, kh, vh] = this.projectHeads(x, b, n, opts.context);
      const core = scaledDotProductAttention(qh, kh, vh, this.scale, {
        keyPaddingMask: opts.keyPaddingMask,
        returnProbs: opts.returnAttention,
      });
      const merged = tf.reshape(tf.transpose(core.output, [0, 2, 1, 3]), [b, n, this.dim]);
      const out: Record<string, tf.Tensor> = { output: this.proj.forward(merged) };
      if (opts.returnAttention && core.probs) out.attention = core.probs;
      return out;
    });
    return result as unknown as AttentionOutput;
  }

  /** Native backend: heads are read straight out of the projections (no transposes). */
  private forwardNative(x: tf.Tensor, opts: AttentionForwardOptions): AttentionOutput {
    const result = tf.tidy(() => {
      const at = (tensor: tf.Tensor, column = 0): ProjectedHeads => ({ tensor, column });
      let views: [ProjectedHeads, ProjectedHeads, ProjectedHeads];
      if (this.qkv) {
        const qkv = this.qkv.forward(x);
        views = [at(qkv), at(qkv, this.dim), at(qkv, 2 * this.dim)];
      } else if (!this.isCross) {
        views = [at(this.q!.forward(x)), at(this.k!.forward(x)), at(this.v!.forward(x))];
      } else if (this.kv) {
        const kv = this.kv.forward(opts.context!);
        views = [at(this.q!.forward(x)), at(kv), at(kv, this.dim)];
      } else {
        views = [at(this.q!.forward(x)), at(this.k!.forward(opts.context!)), at(this.v!.forward(opts.context!))];
      }
      const core = projectedAttention(...views, this.numHeads, this.scale, {
        keyPaddingMask: opts.keyPaddingMask,
        returnProbs: opts.returnAttention,
      });
      const out: Record<string, tf.Tensor> = { output: this.proj.forward(core.output) };
      if (opts.returnAttention && core.probs) out.attention = core.probs;
      return out;
    });
    return result as unknown as AttentionOutput;
  }
}
