import { tf } from './tf.js';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

/** Backends `initBackend` can select. */
export type BackendName = 'wasm' | 'cpu' | 'tensorflow' | 'webgpu';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Backend to use; falls back to `process.env.ECAMP_BACKEND`, then `'wasm'`. */
  backend?: BackendName;
  /** Thread count for wasm (only effective where the wasm build supports threads; in Node it does not). */
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
}

const KNOWN: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow', 'webgpu'];

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
 * (`[ecamp] backend=wasm simd=true threads=1`).
 *
 * - `wasm` (default): XNNPACK SIMD kernels; single-threaded in Node.
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
  const requested = opts.backend ?? parseBackend(process.env.ECAMP_BACKEND) ?? 'wasm';
  if (!(KNOWN as readonly string[]).includes(requested)) {
    throw new Error(`initBackend: unknown backend '${requested}' (expected ${KNOWN.join(', ')})`);
  }
  let fallbackReason: string | undefined;
  let provider: string | undefined;
  let target: string = requested;

  if (requested === 'tensorflow') {
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
  if (backend === 'wasm') {
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const multi = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    threads = multi ? wasm.getThreadsCount() : 1;
  }
  const info: BackendInfo = { backend, requested, simd, threads };
  if (fallbackReason !== undefined) info.fallbackReason = fallbackReason;
  if (provider !== undefined) info.provider = provider;
  if (opts.quiet !== true) {
    const extra = provider !== undefined ? ` provider=${provider}` : '';
    const why = fallbackReason !== undefined ? ` (${fallbackReason})` : '';
    console.log(`[ecamp] backend=${backend} simd=${simd} threads=${threads}${extra}${why}`);
  }
  return info;
}
