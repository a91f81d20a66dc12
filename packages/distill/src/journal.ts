import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import type { Distillation } from './schema.js';

/** One finished report in the journal: distilled, or failed after the attempt cap. */
export interface JournalRecord {
  /** Cache key: hash of prompt version, model and report text (see `cacheKey`). */
  key: string;
  id: string;
  status: 'done' | 'failed';
  model: string;
  promptVersion: string;
  distillation?: Distillation;
  /** Entity names the model gave that are not in the lexicon (dropped from the distillation). */
  unknownEntities?: string[];
  /** Rendered context text (done records). */
  context?: string;
  /** Why it failed (failed records), e.g. "timeout", "http-500", "invalid-json". */
  reason?: string;
  /** Last error message (failed records). */
  detail?: string;
  attempts: number;
  host?: string;
  /** ISO time the record was committed. */
  at: string;
}

const CHUNK = 1 << 20;

/**
 * Durable cache and output log: an append-only JSONL file, one record per finished report,
 * written and fsync'd before `append` returns (so a report is committed before the next one is
 * acknowledged). On open, every complete line is indexed by key (a later record for the same key
 * wins, e.g. a success after a failure); an incomplete last line — the trace of a process killed
 * mid-write — is cut off. A complete line that is not a record is corruption and an error naming
 * the file and line. A `<journal>.lock` file keeps a second process (or a second open) out.
 */
export class Journal {
  private readonly fd: number;
  private readonly records = new Map<string, JournalRecord>();
  /** Byte offset where the next record goes (explicit: 'r+' files do not append by themselves). */
  private end = 0;
  /** Bytes of a torn final line that were cut off on open (0 when the file was clean). */
  readonly truncatedBytes: number;

  private constructor(readonly path: string) {
    acquireLock(`${path}.lock`, path);
    try {
      this.fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
      this.truncatedBytes = this.load();
    } catch (err) {
      rmSync(`${path}.lock`, { force: true });
      throw err;
    }
  }

  /** Opens (creating if needed) and indexes a journal file. */
  static open(path: string): Journal {
    return new Journal(path);
  }

  private load(): number {
    const buf = Buffer.alloc(CHUNK);
    let position = 0;
    let goodEnd = 0; // byte offset just after the last complete line
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let line = 0;
    for (;;) {
      const n = readSync(this.fd, buf, 0, CHUNK, position);
      if (n === 0) break;
      let start = 0;
      for (let i = 0; i < n; i++) {
        if (buf[i] !== 0x0a) continue;
        const piece = buf.subarray(start, i);
        const whole = pending.length ? Buffer.concat([...pending, piece]) : piece;
        line += 1;
        this.index(whole.toString('utf8'), line);
        goodEnd = position + i + 1;
        pending = [];
        pendingBytes = 0;
        start = i + 1;
      }
      if (start < n) {
        pending.push(Buffer.from(buf.subarray(start, n)));
        pendingBytes += n - start;
      }
      position += n;
    }
    this.end = goodEnd;
    if (pendingBytes > 0) {
      // A torn last line (no newline): the write was interrupted, the record was never acknowledged.
      ftruncateSync(this.fd, goodEnd);
      fsyncSync(this.fd);
    }
    return pendingBytes;
  }

  private index(text: string, line: number): void {
    if (!text.trim()) return;
    let rec: JournalRecord;
    try {
      rec = JSON.parse(text) as JournalRecord;
    } catch (err) {
      throw new Error(`${this.path}:${line}: corrupt journal record (${(err as Error).message})`);
    }
    if (typeof rec?.key !== 'string' || (rec.status !== 'done' && rec.status !== 'failed')) {
      throw new Error(`${this.path}:${line}: journal record lacks "key" or a done/failed "status"`);
    }
    this.records.set(rec.key, rec);
  }

  /** The latest record for a cache key, if any. */
  get(key: string): JournalRecord | undefined {
    return this.records.get(key);
  }

  /** Number of distinct keys recorded. */
  get size(): number {
    return this.records.size;
  }

  /** All current records (latest per key), in first-commit order. */
  values(): IterableIterator<JournalRecord> {
    return this.records.values();
  }

  /** Appends one record and fsyncs it before returning. */
  append(record: JournalRecord): void {
    const data = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written, this.end + written);
    fsyncSync(this.fd);
    this.end += data.length;
    this.records.set(record.key, record);
  }

  /** Closes the file and releases the lock. */
  close(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.lock`, { force: true });
  }
}

/**
 * Takes `<journal>.lock` (holding our pid) so two processes never append to one journal. A lock
 * whose process is gone — left by `kill -9` — is stale and taken over.
 */
function acquireLock(lockPath: string, journalPath: string): void {
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`${journalPath} is in use by process ${pid} (lock ${lockPath}); one process per journal`);
    }
    if (pid === process.pid) throw new Error(`${journalPath} is already open in this process`);
    rmSync(lockPath, { force: true }); // stale: its process is gone
  }
  throw new Error(`cannot lock ${journalPath} (${lockPath})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
