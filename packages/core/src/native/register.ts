/**
 * Registers the `native` TF.js backend: a second tfjs-backend-wasm instance (its own heap) whose
 * kernels are the wasm kernels, except the hot ones, which run multithreaded C from
 * `@ecamp/native` on that heap in place. Each replaced kernel keeps the wasm kernel as its
 * fallback for dtypes and layouts the C code does not cover, so every op TF.js has on wasm
 * works on `native` too.
 */
import type { NativeInfo } from '@ecamp/native';
import { tf } from '../tf.js';
import { blockKernels } from './kernels/block.js';
import { fusedKernels } from './kernels/fused.js';
import { convKernels } from './kernels/conv.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { matMulKernels } from './kernels/matmul.js';
import { memoryKernels } from './kernels/memory.js';
import type { KernelResult, NativeKernel, NativeKernelArgs } from './kernels/types.js';
import { registerNativeGradients } from './gradients.js';
import { NATIVE_BACKEND, nativeAddon, nativeInfo, setNativeAddon } from './runtime.js';

/** Every kernel the native backend replaces or adds. */
export const NATIVE_KERNELS: readonly NativeKernel[] = [
  ...matMulKernels,
  ...convKernels,
  ...memoryKernels,
  ...elementwiseKernels,
  ...fusedKernels,
  ...blockKernels,
];

/** Outcome of {@link loadNativeBackend}. */
export type NativeBackendResult = { ok: true; info: NativeInfo } | { ok: false; reason: string };

/**
 * Loads `@ecamp/native` (an optional dependency) and registers the `native` backend once.
 * Never throws for a missing or unbuilt addon: the result says why it is unavailable.
 */
export async function loadNativeBackend(opts: { threads?: number } = {}): Promise<NativeBackendResult> {
  let mod: typeof import('@ecamp/native');
  try {
    // Built at run time so bundlers (Rolldown folds `const` strings) never resolve the Node-only
    // optional dependency into a browser bundle.
    const spec = ['@ecamp', 'native'].join('/');
    mod = (await import(spec)) as typeof import('@ecamp/native');
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, reason: `@ecamp/native is not installed (${msg})` };
  }
  const r = mod.loadNativeAddon({ threads: opts.threads });
  if (!r.ok) return r;
  if (nativeAddon() !== r.addon) setNativeAddon(r.addon, r.info, { binary: mod.BINARY_OPS, unary: mod.UNARY_OPS, reduce: mod.REDUCE_OPS });
  registerOnce();
  return { ok: true, info: nativeInfo() ?? r.info };
}

function registerOnce(): void {
  if (tf.findBackendFactory(NATIVE_BACKEND) !== null) return;
  const wasmFactory = tf.findBackendFactory('wasm');
  if (wasmFactory === null) throw new Error('native backend: the wasm backend is not registered (import @tensorflow/tfjs-backend-wasm)');
  // Priority 0: never picked implicitly; initBackend selects it by name.
  tf.registerBackend(NATIVE_BACKEND, wasmFactory, 0);
  registerNativeGradients();
  const own = new Map(NATIVE_KERNELS.map((k) => [k.kernelName, k]));
  for (const k of tf.getKernelsForBackend('wasm')) {
    const replacement = own.get(k.kernelName);
    own.delete(k.kernelName);
    if (replacement === undefined) {
      tf.registerKernel({ ...k, backendName: NATIVE_BACKEND });
      continue;
    }
    // setupFunc still runs: the fallback needs the wasm functions bound to this instance.
    const original = k.kernelFunc;
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: NATIVE_BACKEND,
      setupFunc: k.setupFunc,
      disposeFunc: k.disposeFunc,
      kernelFunc: ((args: NativeKernelArgs) => {
        bringInputsHere(args);
        return replacement.kernelFunc(args, () => original(args as unknown as Parameters<tf.KernelFunc>[0]) as KernelResult);
      }) as unknown as tf.KernelFunc,
    });
  }
  for (const k of own.values()) {
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: NATIVE_BACKEND,
      kernelFunc: ((args: NativeKernelArgs) => {
        bringInputsHere(args);
        return k.kernelFunc(args, () => {
          throw new Error(`native backend: ${k.kernelName} does not support these inputs and has no wasm counterpart`);
        });
      }) as unknown as tf.KernelFunc,
    });
  }
}

/**
 * Moves inputs that live on another backend (tensors made before switching backends) onto this
 * heap before the kernel starts. TF.js moves data lazily on first lookup, and a move allocates,
 * which may grow the wasm memory and detach a heap buffer the kernel already holds.
 */
function bringInputsHere(args: NativeKernelArgs): void {
  for (const t of Object.values(args.inputs)) if (t) args.backend.dataIdMap.get(t.dataId);
}

let wasmGuarded = false;

/**
 * The same guard for tfjs-backend-wasm's own kernels. Its `typedArrayFromHeap` takes the heap
 * buffer before looking the tensor up, so an input that lives on another backend (a model made
 * on `native` or `cpu`, then run on `wasm`) is moved into a grown heap after the buffer was
 * taken, and the kernel fails with "detached ArrayBuffer". Idempotent.
 */
export function guardWasmKernels(): void {
  if (wasmGuarded) return;
  wasmGuarded = true;
  for (const k of tf.getKernelsForBackend('wasm')) {
    const original = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({
      ...k,
      kernelFunc: ((args: NativeKernelArgs) => {
        bringInputsHere(args);
        return original(args as unknown as Parameters<tf.KernelFunc>[0]);
      }) as unknown as tf.KernelFunc,
    });
  }
}
