import { tf } from './tf.js';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { guardWasmKernels, loadNativeBackend } from './native/register.js';
import { NATIVE_BACKEND } from './native/runtime.js';

/**
 * Backends `initBackend` can select. `native` is the wasm backend with its hot kernels replaced by
 * multithreaded C (OpenBLAS) from the optional `@ecamp/native` package.
 */
export type BackendName = 'native' | 'wasm' | 'cpu' | 'tensorflow' | 'webgpu';

/** Every {@link BackendName}, for validating configuration (e.g. a schema's enum). */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['native', 'wasm', 'cpu', 'tensorflow', 'webgpu']);

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Backend to use; falls back to `process.env.ECAMP_BACKEND`, then `'native'` (which falls back to `'wasm'`). */
  backend?: BackendName;
  /**
   * Threads per op: the native kernels' pool (default `ECAMP_NATIVE_THREADS`, else every core), or
   * wasm's (only where the wasm build supports threads; in Node it does not).
   */
  threads?: number;
  /** Suppress the one-line backend report. */
  quiet?: boolean;
}

/** What {@link initBackend} selected. */
export interface BackendInfo {
  /** Backend actually active (`tf.getBackend()`), e.g. `wasm`, `cpu`, `tensorflow`. */
  backend: string;
  /** Backend that was asked for. */
  requested: BackendName;
  /** Whether wasm SIMD is available (false for non-wasm backends). */
  simd: boolean;
  /** Threads the backend uses for one op. */
  threads: number;
  /** Set when the requested backend could not be used, saying exactly why. */
  fallbackReason?: string;
  /** For `tensorflow`: the npm package that provided it. */
  provider?: string;
  /** For `native`: the BLAS and the kernel set it chose for this CPU. */
  native?: { blas: string; blasCore: string };
}

const KNOWN = BACKEND_NAMES;

function parseBackend(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.trim().toLowerCase();
  if (!(KNOWN as readonly string[]).includes(v)) {
    throw new Error(`ECAMP_BACKEND='${value}' is not one of ${KNOWN.join(', ')}`);
  }
  return v as BackendName;
}

async function tryImport(name: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    // A variable specifier keeps bundlers and tsc from resolving the optional peer.
    const spec: string = name;
    await import(spec);
    return { ok: true };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, reason: `${name}: ${msg}` };
  }
}

async function activate(name: string): Promise<boolean> {
  if (tf.getBackend() === name) return true;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Select and initialise the tensor backend, then print one line
 * (`[ecamp] backend=native native=openblas threads=2 simd=true`).
 *
 * - `native` (default): the wasm backend whose matrix products, convolutions, attention, layer
 *   norm, GELU, cross-entropy, data movement and element-wise ops run as multithreaded C on the
 *   wasm heap (`@ecamp/native`, an optional dependency built against OpenBLAS). When the addon is
 *   missing or was not built, falls back to `wasm` and says why in `fallbackReason`.
 * - `wasm`: XNNPACK SIMD kernels; single-threaded in Node.
 * - `cpu`: plain JavaScript kernels.
 * - `tensorflow`: dynamically imports `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`
 *   (optional peers); if neither loads, falls back to wasm and reports why in `fallbackReason`.
 * - `webgpu`: dynamically imports `@tensorflow/tfjs-backend-webgpu` (optional peer), else wasm.
 *
 * Idempotent: calling it again with the active backend only re-reports it.
 *
 * @example
 * const info = await initBackend({ backend: 'cpu', quiet: true });
 * info.backend; // 'cpu'
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  // `process` is absent in browsers: there the default is the same, and its fallback says why.
  const env = typeof process === 'undefined' ? undefined : process.env.ECAMP_BACKEND;
  const requested = opts.backend ?? parseBackend(env) ?? 'native';
  if (!(KNOWN as readonly string[]).includes(requested)) {
    throw new Error(`initBackend: unknown backend '${requested}' (expected ${KNOWN.join(', ')})`);
  }
  let fallbackReason: string | undefined;
  let provider: string | undefined;
  let target: string = requested;
  let nativeLib: BackendInfo['native'];
  let nativeThreads = 1;

  if (requested === 'native') {
    const r = await loadNativeBackend({ threads: opts.threads });
    if (r.ok) {
      nativeLib = { blas: r.info.blas, blasCore: r.info.blasCore };
      nativeThreads = r.info.threads;
    } else {
      fallbackReason = `native kernels unavailable (${r.reason}); using wasm`;
      target = 'wasm';
    }
  } else if (requested === 'tensorflow') {
    const reasons: string[] = [];
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      const r = await tryImport(pkg);
      if (r.ok && tf.findBackend('tensorflow') !== null) {
        provider = pkg;
        break;
      }
      reasons.push(r.ok ? `${pkg}: loaded but registered no 'tensorflow' backend` : r.reason);
    }
    if (provider === undefined) {
      fallbackReason = `tensorflow backend unavailable (${reasons.join('; ')}); using wasm`;
      target = 'wasm';
    }
  } else if (requested === 'webgpu') {
    const r = await tryImport('@tensorflow/tfjs-backend-webgpu');
    if (!r.ok) {
      fallbackReason = `webgpu backend unavailable (${r.reason}); using wasm`;
      target = 'wasm';
    }
  }

  // Before any backend switch can move tensors between wasm heaps (see guardWasmKernels).
  guardWasmKernels();
  if (target === 'wasm' && opts.threads !== undefined) {
    // Must precede backend initialisation; ignored by single-threaded builds.
    wasm.setThreadsCount(opts.threads);
  }
  if (!(await activate(target))) {
    if (target === 'wasm') throw new Error('initBackend: the wasm backend failed to initialise');
    fallbackReason = `${target} backend failed to initialise; using wasm`;
    target = 'wasm';
    if (!(await activate('wasm'))) throw new Error('initBackend: the wasm backend failed to initialise');
  }
  await tf.ready();

  const backend = tf.getBackend();
  // tfjs-backend-cpu prints a multi-line "install tfjs-node" banner on first use unless PROD is
  // set; our own line already says which backend runs and how to get the native one.
  if (backend === 'cpu') tf.env().set('PROD', true);
  let simd = false;
  let threads = 1;
  if (backend === 'wasm' || backend === NATIVE_BACKEND) {
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const multi = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    threads = backend === NATIVE_BACKEND ? nativeThreads : multi ? wasm.getThreadsCount() : 1;
  }
  const info: BackendInfo = { backend, requested, simd, threads };
  if (fallbackReason !== undefined) info.fallbackReason = fallbackReason;
  if (provider !== undefined) info.provider = provider;
  if (backend === NATIVE_BACKEND && nativeLib !== undefined) info.native = nativeLib;
  if (opts.quiet !== true) {
    const lib = info.native !== undefined ? ` native=${info.native.blas} (${info.native.blasCore})` : '';
    const extra = (provider !== undefined ? ` provider=${provider}` : '') + lib;
    const why = fallbackReason !== undefined ? ` (${fallbackReason})` : '';
    console.log(`[ecamp] backend=${backend} simd=${simd} threads=${threads}${extra}${why}`);
  }
  return info;
}
