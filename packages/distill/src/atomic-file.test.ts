import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFile } from './atomic-file.js';

describe('AtomicFile', () => {
  it('replaces the target only on commit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-atomic-'));
    const p = join(dir, 'out.csv');
    writeFileSync(p, 'old');
    const f = new AtomicFile(p);
    f.write('new ');
    f.write('content');
    expect(readFileSync(p, 'utf8')).toBe('old');
    f.commit();
    expect(readFileSync(p, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['out.csv']);
    expect(() => f.write('x')).toThrow('already committed');
  });
  it('discard leaves the target untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-atomic-'));
    const p = join(dir, 'out.jsonl');
    const f = new AtomicFile(p);
    f.write('partial');
    f.discard();
    expect(existsSync(p)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('AtomicFile temporary files', () => {
  it('sweeps temporary files of dead processes and keeps those of live ones', async () => {
    const { spawnSync } = await import('node:child_process');
    const d = mkdtempSync(join(tmpdir(), 'distill-sweep-'));
    // A pid that surely ran and ended: a child that already exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(d, `.out.csv.tmp-${dead}`), 'stale');
    writeFileSync(join(d, `.out.csv.tmp-${process.ppid}`), 'live parent');
    writeFileSync(join(d, '.other.csv.tmp-1'), 'another file');
    expect(AtomicFile.sweepStale(join(d, 'out.csv'))).toEqual([join(d, `.out.csv.tmp-${dead}`)]);
    expect(readdirSync(d).sort()).toEqual(['.other.csv.tmp-1', `.out.csv.tmp-${process.ppid}`].sort());
  });
  it('names the path it cannot write', () => {
    expect(() => new AtomicFile(join(tmpdir(), 'no-such-dir-distill', 'x.csv'))).toThrow(/cannot write .*x\.csv: ENOENT/);
  });
});
