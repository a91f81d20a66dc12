import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes a file atomically: temp file in the same folder, fsync, rename, fsync of the folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // The rename is durable once the folder is synced (best effort: some file systems refuse).
  let dirFd: number | undefined;
  try {
    dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
  } catch {
    /* not supported here; the rename itself is still atomic */
  } finally {
    if (dirFd !== undefined) closeSync(dirFd);
  }
}

/**
 * The folder of one run: `config.json`, `metrics.jsonl` (one line per logged
 * step, fsync'd so a killed run keeps what it logged), `checkpoints/`,
 * `pictures/`, `summary.json`.
 */
export class RunDir {
  readonly root: string;

  constructor(outDir: string, name: string) {
    this.root = join(outDir, name);
    mkdirSync(join(this.root, 'checkpoints'), { recursive: true });
    mkdirSync(join(this.root, 'pictures'), { recursive: true });
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  writeJson(rel: string, value: unknown): void {
    writeFileAtomic(this.path(rel), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Appends one JSON line and fsyncs it. */
  appendMetrics(record: Record<string, unknown>, rel = 'metrics.jsonl'): void {
    const p = this.path(rel);
    appendFileSync(p, `${JSON.stringify(record)}\n`);
    const fd = openSync(p, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
