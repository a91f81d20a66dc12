// Shared test helper: run a describe block once per CPU backend.
import { beforeAll } from 'vitest';
import { initBackend, type BackendName } from '../src/index.js';

/** Backends every numerical test runs on. */
export const BACKENDS: BackendName[] = ['wasm', 'cpu'];

/** Call inside a describe: switches to `backend` before the block's tests. */
export function useBackend(backend: BackendName): void {
  beforeAll(async () => {
    await initBackend({ backend, quiet: true });
  });
}
