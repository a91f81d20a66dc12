// Shared test helper: run a describe block once per CPU backend.
import { beforeAll, beforeEach } from 'vitest';
import { initBackend, type BackendName } from '../src/index.js';

/** Backends every numerical test runs on: the native kernels, and the pure TF.js fallbacks. */
export const BACKENDS: BackendName[] = ['native', 'wasm', 'cpu'];

/**
 * Call inside a describe: switches to `backend` before the block's tests. When the native addon
 * is unavailable the native block's tests are skipped with the reason printed (and fail instead
 * under ECAMP_NATIVE_REQUIRED=1, as in CI, so a broken native build cannot pass unnoticed).
 */
export function useBackend(backend: BackendName): void {
  let skipReason: string | undefined;
  beforeAll(async () => {
    const info = await initBackend({ backend, quiet: true });
    if (info.backend !== backend && backend === 'native') {
      skipReason = info.fallbackReason ?? 'native backend unavailable';
      if (process.env.ECAMP_NATIVE_REQUIRED === '1') throw new Error(`ECAMP_NATIVE_REQUIRED=1 but ${skipReason}`);
      console.warn(`[tests] native backend tests skipped: ${skipReason}`);
    }
  });
  beforeEach((ctx) => {
    if (skipReason !== undefined) ctx.skip();
  });
}
