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

/**
 * Remembers the line of each key's first row; a later row with the same key is
 * reported as a duplicate (the first is kept) and `false` returned.
 */
export class FirstRows {
  private readonly first = new Map<string, number | undefined>();

  constructor(private readonly bad: BadSampleLog) {}

  /** True for the first row of `key`; false (and a `duplicate` report naming the first line) after. */
  isFirst(key: string, where: { file: string; line?: number; field: string }): boolean {
    if (!this.first.has(key)) {
      this.first.set(key, where.line);
      return true;
    }
    const at = this.first.get(key);
    this.bad.report(
      'duplicate',
      where,
      `"${key.length > 80 ? `${key.slice(0, 80)}…` : key}" already appears${at !== undefined ? ` on line ${at}` : ''}; the first row is kept`,
    );
    return false;
  }
}
