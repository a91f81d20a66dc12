/**
 * Atomic, durable file writes: the content goes to a temporary file beside the target
 * (`.<name>.<pid>.<n>.tmp`), which is fsync'd, renamed over the target, and then the folder is
 * fsync'd so the rename itself survives a crash. Readers see the old file or the whole new one,
 * never a half-written one; a killed writer leaves only a temporary file, which the next writer of
 * the same target removes.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/** Options of {@link AtomicFile} and {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Create the parent folders first (default: false for {@link AtomicFile}, true for {@link writeFileAtomic}). */
  mkdir?: boolean;
}

/**
 * A file written atomically, piece by piece: `write` appends to the temporary file, `commit`
 * fsyncs it and moves it into place, `discard` removes it and leaves the target as it was.
 *
 * @example
 * const f = new AtomicFile('out.csv');
 * f.write('a,b\n');
 * f.commit();
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(
    readonly path: string,
    options: AtomicWriteOptions = {},
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${sequence++}.tmp`);
    try {
      if (options.mkdir) mkdirSync(dirname(path), { recursive: true });
      AtomicFile.sweepStale(path);
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw new Error(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  /** The temporary file being written (for crash tests that stop a write half-way). */
  get tempPath(): string {
    return this.tmp;
  }

  /**
   * Removes temporary files of `path` (`.<name>.<pid>.<n>.tmp`, and the older `.<name>.tmp-<pid>`)
   * left by processes that no longer run (a killed run); those of live processes are kept.
   * Returns the removed paths.
   */
  static sweepStale(path: string): string[] {
    const dir = dirname(path);
    const prefix = `.${basename(path)}.`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length)) ?? /^tmp-(\d+)$/.exec(name.slice(prefix.length));
      if (!m) continue;
      const pid = Number(m[1]);
      if (pid <= 0 || pid === process.pid || processAlive(pid)) continue;
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
    return removed;
  }

  /** Appends text (UTF-8) or bytes. */
  write(data: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error(`${this.path}: already committed or discarded`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (err) {
      this.discard();
      throw new Error(`cannot write ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  /** Flushes the file to disk, moves it into place and makes the rename durable. */
  commit(): void {
    if (this.fd === undefined) throw new Error(`${this.path}: already committed or discarded`);
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.discard();
      throw new Error(`cannot write ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    syncDirectory(dirname(this.path));
  }

  /** Drops the temporary file; the target is left as it was. Safe to call more than once. */
  discard(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }
}

/**
 * Writes `data` (text as UTF-8, bytes, or several byte chunks in order) to `path` atomically and
 * durably (see {@link AtomicFile}), creating the parent folders unless `mkdir: false`.
 *
 * @example writeFileAtomic('runs/x/summary.json', JSON.stringify(summary));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions = {}): void {
  const file = new AtomicFile(path, { mkdir: options.mkdir ?? true });
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) file.write(data);
    else for (const chunk of data) file.write(chunk);
  } catch (err) {
    file.discard();
    throw err;
  }
  file.commit();
}

/** Makes a rename in `dir` durable (best effort: some file systems refuse to fsync a folder). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported here; the rename itself is still atomic */
  } finally {
    if (fd !== undefined) closeSync(fd);
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
