/**
 * The optimiser's native fast paths: squared norms of every gradient in one call, and AdamW as
 * one multithreaded in-place pass over all parameters and moments (instead of ~12 TF.js ops per
 * parameter). In place is safe only for data no other tensor shares, so each parameter and
 * moment is checked for a backend reference count of 1; the rest take the TF.js path.
 */
import type { tf } from '../tf.js';
import { activeWasmBackend, heapOf, isNativeBackend, requireNative, type WasmBackendLike } from './runtime.js';

/** Heap byte offset of a float32 tensor on the active native backend, or undefined. */
function nativeOffset(backend: WasmBackendLike, t: tf.Tensor): number | undefined {
  if (t.dtype !== 'float32' || t.isDisposed) return undefined;
  return backend.dataIdMap.get(t.dataId)?.memoryOffset;
}

/** Σx² of each tensor (double accumulation), or undefined when any is not native float32 data. */
export function nativeSumSquares(tensors: tf.Tensor[]): Float64Array | undefined {
  if (!isNativeBackend()) return undefined;
  const backend = activeWasmBackend();
  const table = new Float64Array(2 * tensors.length);
  for (let i = 0; i < tensors.length; i++) {
    const off = nativeOffset(backend, tensors[i]);
    if (off === undefined) return undefined;
    table[2 * i] = off;
    table[2 * i + 1] = tensors[i].size;
  }
  const out = new Float64Array(tensors.length);
  requireNative().sumSquares(heapOf(backend), table, out);
  return out;
}

/** One parameter's AdamW operands. */
export interface AdamWEntry {
  param: tf.Variable;
  grad: tf.Tensor;
  m: tf.Variable;
  v: tf.Variable;
  decay: boolean;
}

/** AdamW hyper-parameters of one step (bias corrections already computed). */
export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  bc1: number;
  bc2: number;
  /** Multiplies every gradient first (gradient clipping). */
  gradScale: number;
}

/**
 * Updates in place every entry whose parameter and moments are exclusively owned native
 * float32 data; returns, per entry, whether it was updated (the caller handles the others).
 */
export function nativeAdamW(entries: AdamWEntry[], h: AdamWHyper): boolean[] {
  const done = entries.map(() => false);
  if (!isNativeBackend()) return done;
  const backend = activeWasmBackend();
  const rows: number[] = [];
  entries.forEach((e, i) => {
    const offs = [e.param, e.grad, e.m, e.v].map((t) => nativeOffset(backend, t));
    if (offs.some((o) => o === undefined)) return;
    if (e.grad.size !== e.param.size || e.m.size !== e.param.size || e.v.size !== e.param.size) return;
    // Written in place: the parameter and both moments must not share their data with any other tensor.
    if ([e.param, e.m, e.v].some((t) => backend.refCount(t.dataId) !== 1)) return;
    rows.push(...(offs as number[]), e.param.size, e.decay ? 1 : 0);
    done[i] = true;
  });
  if (rows.length > 0) {
    requireNative().adamw(heapOf(backend), Float64Array.from(rows), h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.bc1, h.bc2, h.gradScale);
  }
  return done;
}
