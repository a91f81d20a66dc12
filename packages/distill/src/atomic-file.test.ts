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
