import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv-write.js';

describe('csv writing', () => {
  it('quotes only fields that need it and round-trips through csv-parse', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    const row = ['x', 'say "hi", then\nleave', 3, '[[1,2,3,4]]'];
    const parsed = parse(csvLine(row) + '\n') as string[][];
    expect(parsed[0]).toEqual(row.map(String));
  });
});
