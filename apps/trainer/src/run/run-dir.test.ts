import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDir, writeFileAtomic } from './run-dir.js';

describe('RunDir', () => {
  it('creates its folders and appends one JSON line per record', () => {
    const out = mkdtempSync(join(tmpdir(), 'ecamp-run-'));
    const run = new RunDir(out, 'r1');
    run.appendMetrics({ step: 1, loss: 2.5 });
    run.appendMetrics({ step: 2, loss: 2.0 });
    const lines = readFileSync(run.path('metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ step: 1, loss: 2.5 }, { step: 2, loss: 2.0 }]);
    expect(readdirSync(run.root).sort()).toEqual(['checkpoints', 'metrics.jsonl', 'pictures']);
  });

  it('writes atomically, leaving no temp file behind', () => {
    const out = mkdtempSync(join(tmpdir(), 'ecamp-atomic-'));
    writeFileAtomic(join(out, 'a', 'b.json'), '{"x":1}');
    writeFileAtomic(join(out, 'a', 'b.json'), '{"x":2}');
    expect(readFileSync(join(out, 'a', 'b.json'), 'utf8')).toBe('{"x":2}');
    expect(readdirSync(join(out, 'a'))).toEqual(['b.json']);
  });
});
