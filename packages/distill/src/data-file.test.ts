import { describe, expect, it } from 'vitest';
import { readJsonFile } from '@ecamp/io';
import { packageDataPath, parseJsonObjectLine } from './data-file.js';

describe('data files', () => {
  it('finds the shipped rule data', () => {
    const rules = readJsonFile(packageDataPath('rules.json')) as { entities: Record<string, unknown> };
    expect(Object.keys(rules.entities)).toContain('effusion');
  });
  it('parses a JSONL line that holds an object, naming the place of a bad one', () => {
    expect(parseJsonObjectLine('{"id":"a","n":1}', 'f.jsonl:1')).toEqual({ id: 'a', n: 1 });
    expect(() => parseJsonObjectLine('{ nope', 'f.jsonl:2')).toThrow(/^f\.jsonl:2: not valid JSON \(/);
    for (const line of ['[1]', 'null', '"text"', '3']) expect(() => parseJsonObjectLine(line, 'f.jsonl:3')).toThrow('f.jsonl:3: expected a JSON object');
  });
});
