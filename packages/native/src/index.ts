/**
 * @ecamp/native — multithreaded native kernels (C, OpenMP, OpenBLAS) for ECAMP.ts.
 *
 * This package only builds and loads the addon; `@ecamp/core` turns it into the `native`
 * TF.js backend (the wasm backend with its hot kernels replaced). Every function reads and
 * writes float32 data in place on the wasm heap: the first argument is the heap's
 * `ArrayBuffer`, offsets are in bytes, sizes and strides in elements.
 *
 * @example
 * const r = loadNativeAddon();
 * if (r.ok) console.log(r.info.blasCore, r.info.threads);
 * else console.log(`no native kernels: ${r.reason}`);
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the addon reports about itself. */
export interface NativeInfo {
  /** Always 'openblas'. */
  blas: string;
  /** OpenBLAS build configuration string. */
  blasConfig: string;
  /** The CPU kernel set OpenBLAS chose (e.g. 'Haswell', 'SkylakeX', 'Zen'). */
  blasCore: string;
  /** Threads every kernel uses. */
  threads: number;
  /** Processors available to this process. */
  maxThreads: number;
}

/** Heap byte offset; a negative value means "absent" for optional operands. */
type Off = number;

/** One strided operand of the attention kernels: offset, then batch, head and row strides (elements). */
type StridedView = [off: Off, strideBatch: number, strideHead: number, strideRow: number];
/** Shape of the attention kernels: batch, heads, query rows, key rows, head size, and the logit scale. */
type AttentionDims = [b: number, h: number, n: number, m: number, hd: number, scale: number];
/** Shape of the transformer-block kernels. */
type BlockDims = [b: number, n: number, d: number, heads: number, hidden: number, eps: number];
/** The block's input and attention-half parameters (less bproj, which its backward does not read). */
type BlockAttentionInputs = [x: Off, ln1w: Off, ln1b: Off, wqkv: Off, bqkv: Off, wproj: Off];
/** The block's MLP-half parameters (less b2, which its backward does not read). */
type BlockMlpInputs = [ln2w: Off, ln2b: Off, w1: Off, b1: Off, w2: Off];
/** What the block's forward saves for its backward. */
type BlockSaved = [mean1: Off, rstd1: Off, qkv: Off, probs: Off, a: Off, x2: Off, mean2: Off, rstd2: Off, f1: Off];
/** Shape of the convolution kernels: input [b, h, w, cin], output [b, ho, wo, cout], filter kh×kw, stride, top/left padding. */
type Conv2dDims = [
  b: number,
  h: number,
  w: number,
  cin: number,
  ho: number,
  wo: number,
  cout: number,
  kh: number,
  kw: number,
  stride: number,
  padTop: number,
  padLeft: number,
];

/**
 * The addon's functions. Shapes are in elements; every operand is float32 unless noted.
 * Each throws an Error naming the function when an operand falls outside the heap.
 */
export interface NativeAddon {
  /** Pool size for later calls (OpenBLAS itself stays single-threaded). */
  setThreads(threads: number): void;
  info(): NativeInfo;
  /** Batched row-major C = alpha·op(A)·op(B) + beta·C (strides in elements; 0 broadcasts). */
  gemm(
    heap: ArrayBuffer,
    transA: number,
    transB: number,
    batch: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Off,
    strideA: number,
    lda: number,
    b: Off,
    strideB: number,
    ldb: number,
    beta: number,
    c: Off,
    strideC: number,
    ldc: number,
  ): void;
  /** y, and per-row mean and 1/std, of layer normalisation over rows of length d. */
  layerNorm(heap: ArrayBuffer, rows: number, d: number, eps: number, x: Off, w: Off, b: Off, y: Off, mean: Off, rstd: Off): void;
  layerNormGrad(heap: ArrayBuffer, rows: number, d: number, x: Off, w: Off, mean: Off, rstd: Off, dy: Off, dx: Off, dw: Off, db: Off): void;
  /** Exact GELU x·Φ(x). */
  gelu(heap: ArrayBuffer, n: number, x: Off, y: Off): void;
  geluGrad(heap: ArrayBuffer, n: number, x: Off, dy: Off, dx: Off): void;
  /** Per-row −log softmax(logits)[label] (labels int32, negative = ignored) and the row log-sum-exp. */
  crossEntropy(heap: ArrayBuffer, n: number, v: number, logits: Off, labels: Off, loss: Off, lse: Off): void;
  crossEntropyGrad(heap: ArrayBuffer, n: number, v: number, logits: Off, labels: Off, lse: Off, dy: Off, dx: Off): void;
  /** logits = x·W (+ b) [n, v] kept for the gradient, per-row cross-entropy and log-sum-exp (labels int32, negative = ignored). */
  linearCrossEntropy(heap: ArrayBuffer, n: number, d: number, v: number, x: Off, w: Off, b: Off, labels: Off, logits: Off, loss: Off, lse: Off): void;
  /** Its gradient: logits become dlogits in place; then db (or −1), dW, dx. */
  linearCrossEntropyGrad(
    heap: ArrayBuffer,
    n: number,
    d: number,
    v: number,
    x: Off,
    w: Off,
    labels: Off,
    logits: Off,
    lse: Off,
    dy: Off,
    dx: Off,
    dw: Off,
    db: Off,
  ): void;
  /** Σx² of each tensor: table [offset, size]×count, out one double per tensor. */
  sumSquares(heap: ArrayBuffer, table: Float64Array, out: Float64Array): void;
  /** In-place AdamW over tensors: table [param, grad, m, v, size, decay]×count. */
  adamw(
    heap: ArrayBuffer,
    table: Float64Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
    gradScale: number,
  ): void;
  /**
   * Scaled dot-product attention; each of q, k, v, out is a {@link StridedView}; probs [B, H, N, M]
   * is written (and needed by the gradient); mask [B, M] or −1.
   */
  attention(
    ...args: [heap: ArrayBuffer, ...dims: AttentionDims, ...q: StridedView, ...k: StridedView, ...v: StridedView, ...out: StridedView, probs: Off, mask: Off]
  ): void;
  /** Gradient of {@link attention}: dq, dk, dv from dOut (and dProbs or −1). */
  attentionGrad(
    ...args: [
      heap: ArrayBuffer,
      ...dims: AttentionDims,
      ...q: StridedView,
      ...k: StridedView,
      ...v: StridedView,
      ...dOut: StridedView,
      probs: Off,
      dProbs: Off,
      ...dq: StridedView,
      ...dk: StridedView,
      ...dv: StridedView,
    ]
  ): void;
  /**
   * A pre-norm transformer block (timm `Block`) forward: y and the saved mean1, rstd1, qkv, probs,
   * a, x2, mean2, rstd2, f1 (bqkv and mask may be −1).
   */
  blockForward(
    ...args: [
      heap: ArrayBuffer,
      ...dims: BlockDims,
      ...attnIn: BlockAttentionInputs,
      bproj: Off,
      ...mlpIn: BlockMlpInputs,
      b2: Off,
      mask: Off,
      y: Off,
      ...saved: BlockSaved,
    ]
  ): void;
  /** Its backward: dx and every parameter gradient (bqkv/dbqkv may be −1). */
  blockBackward(
    ...args: [
      heap: ArrayBuffer,
      ...dims: BlockDims,
      ...attnIn: BlockAttentionInputs,
      ...mlpIn: BlockMlpInputs,
      ...saved: BlockSaved,
      dy: Off,
      dx: Off,
      dln1w: Off,
      dln1b: Off,
      dwqkv: Off,
      dbqkv: Off,
      dwproj: Off,
      dbproj: Off,
      dln2w: Off,
      dln2b: Off,
      dw1: Off,
      db1: Off,
      dw2: Off,
      db2: Off,
    ]
  ): void;
  /** NHWC convolution, [kh, kw, Cin, Cout] filter, zero padding top/left (bottom/right implied by Ho/Wo). */
  conv2d(...args: [heap: ArrayBuffer, ...dims: Conv2dDims, x: Off, filter: Off, y: Off]): void;
  conv2dInputGrad(...args: [heap: ArrayBuffer, ...dims: Conv2dDims, dy: Off, filter: Off, dx: Off]): void;
  conv2dFilterGrad(...args: [heap: ArrayBuffer, ...dims: Conv2dDims, x: Off, dy: Off, dFilter: Off]): void;
  /** Copies an N-d block (rank ≤ 16) between strided views: plan [rank, shape…, srcStrides…, dstStrides…]. */
  stridedCopy(heap: ArrayBuffer, plan: Float64Array, src: Off, dst: Off): void;
  fill(heap: ArrayBuffer, n: number, dst: Off, value: number): void;
  /** out = 0, then out[indices[r], :] += updates[r, :] in row order; indices int32 [rows]. */
  scatterAdd(heap: ArrayBuffer, rows: number, outRows: number, width: number, indices: Off, updates: Off, out: Off): void;
  /** out[o, j, :] = x[o, indices[j], :] for x viewed as [outer, axisSize, inner]; indices int32. */
  gather(heap: ArrayBuffer, outer: number, axisSize: number, inner: number, count: number, x: Off, indices: Off, out: Off): void;
  /** out = a ∘ b with broadcasting: plan [rank, outShape…, aStrides…, bStrides…]; op see {@link BINARY_OPS}. */
  binary(heap: ArrayBuffer, op: number, plan: Float64Array, a: Off, b: Off, out: Off): void;
  /** y = f(x) element-wise; op see {@link UNARY_OPS} (alpha for 'scale'). */
  unary(heap: ArrayBuffer, op: number, n: number, x: Off, y: Off, alpha: number): void;
  /** y[o, i] = reduce_r x[o, r, i]; op see {@link REDUCE_OPS}. */
  reduce(heap: ArrayBuffer, op: number, outer: number, reduced: number, inner: number, x: Off, y: Off): void;
}

/** Op codes of {@link NativeAddon.binary}. */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, squaredDifference: 6 } as const;
/** Op codes of {@link NativeAddon.unary}. */
export const UNARY_OPS = { exp: 0, sqrt: 1, rsqrt: 2, square: 3, neg: 4, relu: 5, abs: 6, log: 7, erf: 8, scale: 9 } as const;
/** Op codes of {@link NativeAddon.reduce}. */
export const REDUCE_OPS = { sum: 0, max: 1, min: 2, mean: 3 } as const;

/** Outcome of {@link loadNativeAddon}. */
export type NativeLoadResult = { ok: true; addon: NativeAddon; info: NativeInfo; path: string } | { ok: false; reason: string };

/** Options of {@link loadNativeAddon}. */
export interface LoadNativeOptions {
  /** Addon file (default: this package's build/ecamp_native.node). */
  path?: string;
  /** Threads per kernel (default: `ECAMP_NATIVE_THREADS`, else every processor). */
  threads?: number;
}

/** This package's root (the same from src/ under tsx and from dist/). */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Default location of the built addon. */
export const DEFAULT_ADDON_PATH = join(packageRoot, 'build', 'ecamp_native.node');

let cached: NativeLoadResult | undefined;

/**
 * Loads the addon once per process and sets its thread count. Never throws: when the addon is
 * disabled (`ECAMP_NATIVE=0`), was not built, or fails to load, the result says why.
 */
export function loadNativeAddon(opts: LoadNativeOptions = {}): NativeLoadResult {
  if (process.env.ECAMP_NATIVE === '0') return { ok: false, reason: 'disabled by ECAMP_NATIVE=0' };
  const path = opts.path ?? DEFAULT_ADDON_PATH;
  if (cached && (cached.ok ? cached.path === path : opts.path === undefined)) return applyThreads(cached, opts.threads);
  const result = load(path);
  if (opts.path === undefined || result.ok) cached = result;
  return applyThreads(result, opts.threads);
}

function applyThreads(r: NativeLoadResult, threads: number | undefined): NativeLoadResult {
  if (!r.ok) return r;
  const env = process.env.ECAMP_NATIVE_THREADS;
  const n = threads ?? (env !== undefined && env !== '' ? Number(env) : undefined);
  if (n !== undefined) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`@ecamp/native: thread count ${String(n)} must be a positive integer (ECAMP_NATIVE_THREADS)`);
    r.addon.setThreads(n);
  }
  r.info = r.addon.info();
  return r;
}

function load(path: string): NativeLoadResult {
  if (!existsSync(path)) {
    const why = join(dirname(path), 'unavailable.json');
    if (existsSync(why)) {
      try {
        const { reason } = JSON.parse(readFileSync(why, 'utf8')) as { reason: string };
        return { ok: false, reason: `the native build failed: ${reason}` };
      } catch {
        // fall through to the generic reason
      }
    }
    return { ok: false, reason: `addon not built (${path} is missing; run 'pnpm --filter @ecamp/native build')` };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    return { ok: true, addon, info: addon.info(), path };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, reason: `the addon failed to load: ${msg}` };
  }
}
