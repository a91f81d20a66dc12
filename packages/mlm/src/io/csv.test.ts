import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv.js';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\n2,"multi\nline",\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'multi\nline', ''],
    ]);
  });

  it('reads a last line without newline and skips a BOM', () => {
    expect(parseCsv('\ufeffa,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('names the line of an unterminated quote', () => {
    expect(() => parseCsv('a\n"open,\nmore', 'r.csv')).toThrow(/r\.csv: quote opened on line 2/);
  });
});

describe('parseCsvRecords', () => {
  it('keys records by header and checks the field count', () => {
    expect(parseCsvRecords('uid,findings\n2,"No effusion."\n')).toEqual([{ uid: '2', findings: 'No effusion.' }]);
    expect(() => parseCsvRecords('a,b\n1\n', 'x.csv')).toThrow(/x\.csv: record 1 has 1 fields/);
  });
});
