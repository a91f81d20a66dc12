/**
 * The `native` backend's runtime state: the loaded addon, and the few facts about the TF.js
 * wasm backend the native kernels rely on (where a tensor lives on the wasm heap, how outputs
 * are allocated). The native backend *is* a wasm backend (its own instance and heap); only its
 * hot kernels are replaced by multithreaded C that reads and writes that heap in place.
 */
import type { BINARY_OPS, NativeAddon, NativeInfo, REDUCE_OPS, UNARY_OPS } from '@ecamp/native';
import { tf } from '../tf.js';

/** Name under which the native backend is registered with TF.js. */
export const NATIVE_BACKEND = 'native';

/** What the native kernels need of a tfjs-backend-wasm `BackendWasm` (structural). */
export interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number; shape: number[]; dtype: string; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  refCount(dataId: object): number;
  incRef(dataId: object): void;
}

/** The addon's op codes (defined by @ecamp/native, read from the loaded module). */
export interface NativeOps {
  binary: typeof BINARY_OPS;
  unary: typeof UNARY_OPS;
  reduce: typeof REDUCE_OPS;
}

let addon: NativeAddon | undefined;
let addonInfo: NativeInfo | undefined;
let ops: NativeOps | undefined;

/** Records the addon the kernels call (set once when the backend is registered). */
export function setNativeAddon(a: NativeAddon, info: NativeInfo, opCodes: NativeOps): void {
  addon = a;
  addonInfo = info;
  ops = opCodes;
}

/** The addon's op codes. */
export function nativeOps(): NativeOps {
  if (!ops) throw new Error('native backend: the addon is not loaded');
  return ops;
}

/** The addon, or undefined when the native backend was never registered. */
export function nativeAddon(): NativeAddon | undefined {
  return addon;
}

/** The addon's self-description (BLAS core, threads), when registered. */
export function nativeInfo(): NativeInfo | undefined {
  return addonInfo;
}

/** True when the active TF.js backend is the native one. */
export function isNativeBackend(): boolean {
  return addon !== undefined && tf.getBackend() === NATIVE_BACKEND;
}

/** The addon, asserting that the native backend is active (for kernels and fused ops). */
export function requireNative(): NativeAddon {
  if (!addon) throw new Error('native backend: the addon is not loaded');
  return addon;
}

/** The active backend as a wasm backend (only valid while the native backend is active). */
export function activeWasmBackend(): WasmBackendLike {
  return tf.backend() as unknown as WasmBackendLike;
}

/**
 * The heap's current ArrayBuffer. Read it after allocating a call's outputs: allocation can grow
 * the wasm memory, which replaces the buffer.
 */
export function heapOf(backend: WasmBackendLike): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

/** Byte offset of a tensor's data on the heap. */
export function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (d === undefined) throw new Error('native backend: tensor data is not on this backend');
  return d.memoryOffset;
}

/** Allocates an output tensor on the heap (contents undefined until a kernel writes it). */
export function allocOutput(backend: WasmBackendLike, shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
  return backend.makeOutput(shape, dtype);
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides (elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}
