import { describe, expect, it } from 'vitest';
import { csvField, parseCsv } from './csv-parse.js';

describe('parseCsv', () => {
  it('parses plain records with their line numbers, skipping blank lines', () => {
    expect(parseCsv('a,b\n1,2\n\n3,4\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['3', '4'] },
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

  it('names the line of an unterminated quote', () => {
    expect(() => parseCsv('a\n"open\nstill', 'w.csv')).toThrow('w.csv:2: unterminated quoted field');
  });

  it('round-trips fields through csvField', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines'];
    expect(parseCsv(values.map(csvField).join(','))[0].fields).toEqual(values);
  });
});
