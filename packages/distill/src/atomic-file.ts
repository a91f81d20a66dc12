import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
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
    this.fd = openSync(this.tmp, 'w');
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
