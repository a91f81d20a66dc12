import type { tf } from '../../tf.js';
import type { WasmBackendLike } from '../runtime.js';

/** Arguments TF.js passes to a kernel function (the backend is the native wasm instance). */
export interface NativeKernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: WasmBackendLike;
  attrs: Record<string, unknown>;
}

/** What a kernel returns: one output or several. */
export type KernelResult = tf.TensorInfo | tf.TensorInfo[];

/**
 * A kernel of the native backend. `fallback` runs the wasm backend's own kernel of the same name
 * on the same arguments (for dtypes and layouts the native code does not handle); kernels that
 * have no wasm counterpart get a fallback that throws.
 */
export interface NativeKernel {
  kernelName: string;
  kernelFunc: (args: NativeKernelArgs, fallback: () => KernelResult) => KernelResult;
}
