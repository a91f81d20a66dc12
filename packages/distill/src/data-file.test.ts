import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDataPath, readJsonFile } from './data-file.js';

describe('data files', () => {
  it('finds the shipped rule data', () => {
    const rules = readJsonFile(packageDataPath('rules.json')) as { entities: Record<string, unknown> };
    expect(Object.keys(rules.entities)).toContain('effusion');
  });
  it('names the file when JSON is broken or missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-data-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => readJsonFile(bad)).toThrow(bad);
    expect(() => readJsonFile(join(dir, 'missing.json'))).toThrow('missing.json');
  });
});
