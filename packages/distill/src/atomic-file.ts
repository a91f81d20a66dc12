import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A file written atomically: content goes to a temporary file beside the target, which is
 * fsync'd and renamed over the target on `commit`. Readers see the old file or the whole new
 * one, never a half-written one; `discard` removes the temporary file.
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
    AtomicFile.sweepStale(path);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw new Error(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  /**
   * Removes temporary files of `path` (`.<name>.tmp-<pid>`) left by processes that no longer run
   * (a killed run); those of live processes are kept. Returns the removed paths.
   */
  static sweepStale(path: string): string[] {
    const dir = dirname(path);
    const prefix = `.${basename(path)}.tmp-`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
    return removed;
  }

  /** Appends text. */
  write(text: string): void {
    if (this.fd === undefined) throw new Error(`${this.path}: already committed or discarded`);
    const data = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
  }

  /** Flushes to disk and moves the file into place. */
  commit(): void {
    if (this.fd === undefined) throw new Error(`${this.path}: already committed or discarded`);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmp, this.path);
  }

  /** Drops the temporary file; the target is left as it was. */
  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
