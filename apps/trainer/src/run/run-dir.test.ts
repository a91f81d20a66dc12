import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDir } from './run-dir.js';

describe('RunDir', () => {
  it('creates its folders and appends one JSON line per record', () => {
    const out = mkdtempSync(join(tmpdir(), 'ecamp-run-'));
    const run = new RunDir(out, 'r1');
    run.appendMetrics({ step: 1, loss: 2.5 });
    run.appendMetrics({ step: 2, loss: 2.0 });
    const lines = readFileSync(run.path('metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { step: 1, loss: 2.5 },
      { step: 2, loss: 2.0 },
    ]);
    expect(readdirSync(run.root).sort()).toEqual(['checkpoints', 'metrics.jsonl', 'pictures']);
  });

  it('writes JSON files atomically, leaving no temp file behind', () => {
    const out = mkdtempSync(join(tmpdir(), 'ecamp-atomic-'));
    const run = new RunDir(out, 'r1');
    run.writeJson('summary.json', { x: 1 });
    run.writeJson('summary.json', { x: 2 });
    expect(JSON.parse(readFileSync(run.path('summary.json'), 'utf8'))).toEqual({ x: 2 });
    expect(readdirSync(run.root).sort()).toEqual(['checkpoints', 'pictures', 'summary.json']);
  });
});
