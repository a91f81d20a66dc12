// Locates the project's real test data (`../shared/data` beside the repository root).
// A fresh user clone has no such folder: tests must then skip with a printed reason.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of `../shared/data/<rel>` (or `$ECAMP_SHARED_DATA/<rel>`), or null when absent. */
export function sharedDataPath(rel = '') {
  const base = process.env.ECAMP_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data');
  const p = join(base, rel);
  return existsSync(p) ? p : null;
}

/** Prints why a test that needs shared data is skipped; returns true when it must skip. */
export function skipWithoutSharedData(rel, what) {
  if (sharedDataPath(rel)) return false;
  console.warn(`[skip] ${what}: ../shared/data/${rel} is not present (it exists in the project's CI and developer machines only)`);
  return true;
}
