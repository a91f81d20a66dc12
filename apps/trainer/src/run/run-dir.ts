import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@ecamp/io';

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
