import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, parseCsv, parseCsvRecords } from './csv.js';
import { Rng } from './rng.js';

describe('parseCsvRecords', () => {
  it('splits exactly as csv-parse on valid CSV (seeded random fields with quotes, commas and line breaks)', () => {
    const rng = Rng.sfc32(20240611);
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '—', 'x y', ''];
    for (let trial = 0; trial < 200; trial++) {
      const cols = 1 + rng.int(4);
      const rows = Array.from({ length: 1 + rng.int(6) }, () =>
        Array.from({ length: cols }, () => Array.from({ length: rng.int(6) }, () => rng.pick(alphabet)).join('')),
      );
      // A one-column row that is empty is an empty line to both parsers; give it content.
      for (const r of rows) if (cols === 1 && r[0] === '') r[0] = 'z';
      const eol = rng.pick(['\n', '\r\n']);
      const text = rows.map((r) => csvLine(r)).join(eol) + (rng.bernoulli(0.5) ? eol : '');
      const ours = parseCsvRecords(text);
      expect(ours.unclosed).toBeUndefined();
      expect(ours.records.every((r) => !r.error)).toBe(true);
      expect(ours.records.map((r) => r.fields)).toEqual(parse(text, { relax_column_count: true, skip_empty_lines: true }));
    }
  });

  it('keeps the line of each record and of each quoting error, and resumes on the next line', () => {
    const { records, unclosed } = parseCsvRecords('a,b\r\n1,"two\nlines"\n\n2,x"y\n3,"z"w\r4,ok');
    expect(unclosed).toBeUndefined();
    expect(records.map((r) => [r.line, r.fields, r.error?.field])).toEqual([
      [1, ['a', 'b'], undefined],
      [2, ['1', 'two\nlines'], undefined],
      [5, ['2'], 1],
      [6, ['3', 'z'], 1],
      [7, ['4', 'ok'], undefined],
    ]);
    expect(records[2].error!.message).toMatch(/a quote inside an unquoted field/);
    expect(records[3].error!.message).toMatch(/text after the closing quote/);
    expect(parseCsvRecords('a\n"open\nstill').unclosed).toEqual({ line: 2, field: 0, recordLine: 2 });
  });

  it('agrees with csv-parse on the real IU X-ray reports CSV, line numbers included', () => {
    if (skipWithoutSharedData('iu-xray/reports-dev.csv', 'CSV parser against csv-parse on real data')) return;
    const text = readFileSync(sharedDataPath('iu-xray/reports-dev.csv')!, 'utf8');
    const ours = parseCsvRecords(text);
    const theirs = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    expect(ours.records.map((r) => r.fields)).toEqual(theirs.map((r) => r.record));
    // csv-parse gives the line a record ends on; ours, the line it starts on.
    ours.records.forEach((r, k) => expect(r.line + (r.fields.join(',').match(/\r\n|\r|\n/g)?.length ?? 0)).toBe(theirs[k].info.lines));
  });

  it('is linear: a 4 MB file with 20,000 bad rows parses in well under a second', () => {
    const good = 'x.png,"FINDINGS: clear, ""quoted"" words\nover two lines."';
    const lines = ['img_path,report'];
    for (let k = 0; k < 40_000; k++) lines.push(k % 2 ? good : `y${k}.png,a "stray" quote ${'w'.repeat(40)}`);
    const text = lines.join('\n');
    const t0 = performance.now();
    const { records } = parseCsvRecords(text);
    const ms = performance.now() - t0;
    expect(records).toHaveLength(40_001);
    expect(records.filter((r) => r.error)).toHaveLength(20_000);
    expect(ms).toBeLessThan(1500);
  });
});

describe('parseCsv', () => {
  it('parses plain records with their line numbers, skipping blank and blank-only lines', () => {
    expect(parseCsv('a,b\n1,2\n\n  \n3,4\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 5, fields: ['3', '4'] },
    ]);
  });

  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF and a BOM', () => {
    const text = '\ufeffid,report\r\n7,"no effusion, ""stable""\nheart normal"\r\n8,x';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'report'] },
      { line: 2, fields: ['7', 'no effusion, "stable"\nheart normal'] },
      { line: 4, fields: ['8', 'x'] },
    ]);
  });

  it('keeps empty fields', () => {
    expect(parseCsv(',1,\n')).toEqual([{ line: 1, fields: ['', '1', ''] }]);
  });

  it('names the source and line of an unterminated quote and of a stray quote', () => {
    expect(() => parseCsv('a\n"open\nstill', 'w.csv')).toThrow('w.csv:2: unterminated quoted field');
    expect(() => parseCsv('a\nb"c\n', 'w.csv')).toThrow(/^w\.csv:2: a quote inside an unquoted field/);
  });
});

describe('csv writing', () => {
  it('quotes only fields that need it and round-trips through csv-parse and parseCsv', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField(2.5)).toBe('2.5');
    const row = ['x', 'say "hi", then\nleave', 3, '[[1,2,3,4]]', 'two\r\nlines'];
    expect((parse(csvLine(row) + '\n') as string[][])[0]).toEqual(row.map(String));
    expect(parseCsv(csvLine(row))[0].fields).toEqual(row.map(String));
  });
});
