import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFile, writeFileAtomic } from './atomic.js';

const temp = () => mkdtempSync(join(tmpdir(), 'ecamp-io-atomic-'));

describe('AtomicFile', () => {
  it('replaces the target only on commit and leaves no temporary file', () => {
    const dir = temp();
    const p = join(dir, 'out.csv');
    writeFileSync(p, 'old');
    const f = new AtomicFile(p);
    f.write('new ');
    f.write(new Uint8Array([99, 111, 110, 116, 101, 110, 116]));
    expect(readFileSync(p, 'utf8')).toBe('old');
    f.commit();
    expect(readFileSync(p, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['out.csv']);
    expect(() => f.write('x')).toThrow('already committed');
    expect(() => f.commit()).toThrow('already committed');
  });

  it('discard leaves the target untouched', () => {
    const dir = temp();
    const p = join(dir, 'out.jsonl');
    const f = new AtomicFile(p);
    f.write('partial');
    f.discard();
    f.discard();
    expect(existsSync(p)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('two writers of one path in one process do not share a temporary file', () => {
    const dir = temp();
    const p = join(dir, 'x.txt');
    const a = new AtomicFile(p);
    const b = new AtomicFile(p);
    expect(a.tempPath).toMatch(new RegExp(`/\\.x\\.txt\\.${process.pid}\\.\\d+\\.tmp$`));
    expect(b.tempPath).not.toBe(a.tempPath);
    a.write('a');
    b.write('b');
    a.commit();
    expect(readFileSync(p, 'utf8')).toBe('a');
    b.commit();
    expect(readFileSync(p, 'utf8')).toBe('b');
    expect(readdirSync(dir)).toEqual(['x.txt']);
  });

  it('sweeps temporary files of dead processes and keeps those of live ones', () => {
    const d = temp();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(d, `.out.csv.${dead}.3.tmp`), 'stale');
    writeFileSync(join(d, `.out.csv.tmp-${dead}`), 'stale, older name');
    writeFileSync(join(d, `.out.csv.${process.ppid}.0.tmp`), 'live parent');
    writeFileSync(join(d, `.other.csv.${dead}.1.tmp`), 'another file');
    writeFileSync(join(d, '.out.csv.notes'), 'not a temporary file');
    expect(AtomicFile.sweepStale(join(d, 'out.csv')).sort()).toEqual([join(d, `.out.csv.${dead}.3.tmp`), join(d, `.out.csv.tmp-${dead}`)].sort());
    expect(readdirSync(d).sort()).toEqual([`.other.csv.${dead}.1.tmp`, '.out.csv.notes', `.out.csv.${process.ppid}.0.tmp`].sort());
  });

  it('names the path it cannot write', () => {
    expect(() => new AtomicFile(join(tmpdir(), 'no-such-dir-ecamp-io', 'x.csv'))).toThrow(/cannot write .*x\.csv: ENOENT/);
  });
});

describe('writeFileAtomic', () => {
  it('creates parent folders and writes text, bytes or chunks', () => {
    const dir = temp();
    const p = join(dir, 'a', 'b', 'x.bin');
    writeFileAtomic(p, 'hello');
    expect(readFileSync(p, 'utf8')).toBe('hello');
    writeFileAtomic(p, new Uint8Array([104, 105]));
    expect(readFileSync(p, 'utf8')).toBe('hi');
    writeFileAtomic(p, [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3])]);
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.bin']);
  });

  it('refuses a missing folder when mkdir is false', () => {
    expect(() => writeFileAtomic(join(temp(), 'missing', 'x.txt'), 'x', { mkdir: false })).toThrow(/cannot write .*x\.txt: ENOENT/);
  });

  it('leaves the old file and no temporary file when a write fails half-way', () => {
    // A failure after the temporary file exists (root can write into read-only folders, so the
    // failure is a bad chunk after a good one rather than a permission).
    const dir = temp();
    const p = join(dir, 'x.txt');
    writeFileAtomic(p, 'old');
    const chunks = [new TextEncoder().encode('new, half written'), { length: 5 } as unknown as Uint8Array]; // writeSync refuses the second
    expect(() => writeFileAtomic(p, chunks)).toThrow(/cannot write .*x\.txt/);
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['x.txt']);
  });
});
