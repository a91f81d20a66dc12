import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from './json-file.js';

describe('readJsonFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'io-json-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, '{"a": [1, 2]}');
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ not json');
  const missing = join(dir, 'missing.json');

  it('parses a file', () => {
    expect(readJsonFile(good)).toEqual({ a: [1, 2] });
  });

  it('names the file when it is missing or not JSON, after what it was read as', () => {
    expect(() => readJsonFile(bad)).toThrow(new RegExp(`^${bad} is not valid JSON: `));
    expect(() => readJsonFile(missing)).toThrow(new RegExp(`^cannot read ${missing}: ENOENT`));
    expect(() => readJsonFile(bad, 'entity lexicon')).toThrow(new RegExp(`^entity lexicon: ${bad} is not valid JSON: `));
    expect(() => readJsonFile(missing, 'entity lexicon')).toThrow(new RegExp(`^entity lexicon: cannot read ${missing}: ENOENT`));
  });
});
