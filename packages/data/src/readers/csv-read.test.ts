import { describe, expect, it } from 'vitest';
import { BadSampleLog } from './bad-samples.js';
import { readCsvRows } from './csv-read.js';

describe('readCsvRows', () => {
  it('gives 1-based line numbers that survive multi-line quoted fields and trims header names', () => {
    const text = 'ImageId, EncodedPixels\na,"1 2"\nb,"line one\nline two"\nc,-1\n';
    const { rows } = readCsvRows('s.csv', ['ImageId', 'EncodedPixels'], new BadSampleLog('fail'), text);
    expect(rows.map((r) => [r.line, r.values.ImageId])).toEqual([
      [2, 'a'],
      [3, 'b'],
      [5, 'c'],
    ]);
    expect(rows[1].values.EncodedPixels).toBe('line one\nline two');
  });

  it('reports ragged rows and rejects a missing column naming it', () => {
    const log = new BadSampleLog('skip', () => {});
    const { rows } = readCsvRows('t.csv', ['a'], log, 'a,b\n1,2\n3\n4,5\n');
    expect(rows).toHaveLength(2);
    expect(log.summary()).toEqual({ 'unreadable-row': 1 });
    expect(() => readCsvRows('t.csv', ['a'], new BadSampleLog('fail'), 'a,b\n1,2\n3\n')).toThrow('t.csv:3: unreadable-row: 1 fields, header has 2');
    expect(() => readCsvRows('t.csv', ['zz'], log, 'a,b\n1,2\n')).toThrow('t.csv: missing column "zz" (header: a, b)');
    expect(() => readCsvRows('/nonexistent/x.csv', [], log)).toThrow(/x\.csv: cannot read CSV \(ENOENT\)/);
  });
});
