/** Small helpers shared by the readers. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { BadSampleLog } from './bad-samples.js';
import type { ReaderOptions } from './types.js';

/** The log a reader writes to: the caller's, or a new one with the caller's policy. */
export function badLogFor(options: ReaderOptions): BadSampleLog {
  return options.badSamples ?? new BadSampleLog(options.onBadSample ?? 'skip');
}

/** Resolves `p` against `root` unless it is absolute. */
export function resolveUnder(root: string, p: string): string {
  return isAbsolute(p) ? p : resolve(root, p);
}

/**
 * Returns true when the image may be used: it exists, or checking is off.
 * A missing image is reported to `bad` with the row's location.
 */
export function imageOk(path: string, options: ReaderOptions, bad: BadSampleLog, file: string, line: number | undefined, field: string): boolean {
  if (options.checkImages === false || existsSync(path)) return true;
  bad.report('missing-image', { file, line, field }, `${path} does not exist`);
  return false;
}
