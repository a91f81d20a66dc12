import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { readCsvRows } from './csv-read.js';

const quiet = () => new BadSampleLog('skip', () => {});

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
    const log = quiet();
    const { rows } = readCsvRows('t.csv', ['a'], log, 'a,b\n1,2\n3\n4,5\n');
    expect(rows).toHaveLength(2);
    expect(log.summary()).toEqual({ 'unreadable-row': 1 });
    expect(() => readCsvRows('t.csv', ['a'], new BadSampleLog('fail'), 'a,b\n1,2\n3\n')).toThrow('t.csv:3: unreadable-row: 1 fields, header has 2');
    expect(() => readCsvRows('t.csv', ['zz'], log, 'a,b\n1,2\n')).toThrow('t.csv:1: missing column "zz" (header: a, b)');
    expect(() => readCsvRows('/nonexistent/x.csv', [], log)).toThrow(/x\.csv: cannot read CSV \(ENOENT\)/);
  });

  it('skips only the row with a quoting error, naming its line and field, and keeps every later row', () => {
    const text = 'id,report\n1,ok\n2,he said "no"\n3,fine\n4,"closed"late\n5,"multi\nline"\n6,last\n';
    const lines: string[] = [];
    const log = new BadSampleLog('skip', (l) => lines.push(l));
    const { rows, recordCount } = readCsvRows('q.csv', ['id', 'report'], log, text);
    expect(rows.map((r) => [r.values.id, r.line, r.index])).toEqual([
      ['1', 2, 0],
      ['3', 4, 2],
      ['5', 6, 4],
      ['6', 8, 5],
    ]);
    expect(recordCount).toBe(6);
    expect(log.summary()).toEqual({ 'unreadable-row': 2 });
    expect(lines[0]).toMatch(/^\[skip\] q\.csv:3 \(field "report"\): unreadable-row: a quote inside an unquoted field/);
    expect(lines[1]).toMatch(/^\[skip\] q\.csv:5 \(field "report"\): unreadable-row: text after the closing quote/);
    expect(() => readCsvRows('q.csv', ['id'], new BadSampleLog('fail'), text)).toThrow(
      /^q\.csv:3 \(field "report"\): unreadable-row: a quote inside an unquoted field/,
    );
  });

  it('throws on a quote that never closes, naming the line it opens on and the field, and on a malformed header', () => {
    const text = 'id,report\n1,ok\n2,"never closed\n3,x\n4,y\n';
    expect(() => readCsvRows('u.csv', ['id'], quiet(), text)).toThrow(
      /^u\.csv:3 \(field "report"\): unclosed quote: the quoted field that opens on line 3 never closes/,
    );
    expect(() => readCsvRows('h.csv', [], quiet(), 'id,"report\n1,x\n')).toThrow(/^h\.csv:1: unclosed quote in the header line$/);
    expect(() => readCsvRows('h.csv', [], quiet(), 'id,"report\n1,"x"\n')).toThrow(
      /^h\.csv:1: malformed header \(column 2, on line 2\): text after the closing quote/,
    );
    expect(() => readCsvRows('h.csv', [], quiet(), 'id,rep"ort\n1,x\n')).toThrow(/^h\.csv:1: malformed header \(column 2\): a quote inside an unquoted field/);
  });

  it('reads LF, CRLF, CR and mixed line ends, a BOM, blank lines and blank-only lines alike', () => {
    const want = [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ];
    for (const text of [
      'k,v\na,1\nb,2\nc,3\n',
      'k,v\r\na,1\r\nb,2\r\nc,3\r\n',
      'k,v\ra,1\rb,2\rc,3',
      'k,v\r\na,1\nb,2\rc,3\r\n',
      '\uFEFFk,v\n\na,1\n   \nb,2\n\n\nc,3',
    ]) {
      const { rows, header } = readCsvRows('e.csv', ['k', 'v'], new BadSampleLog('fail'), text);
      expect(header).toEqual(['k', 'v']);
      expect(rows.map((r) => [r.values.k, r.values.v])).toEqual(want);
    }
    const { rows } = readCsvRows('e.csv', ['k'], new BadSampleLog('fail'), 'k,v\r\n\r\na,1\r\n\r\nb,"x\r\ny"\r\nc,3\r\n');
    expect(rows.map((r) => r.line)).toEqual([3, 5, 7]);
    expect(rows[1].values.v).toBe('x\r\ny');
  });

  it('rejects empty, UTF-16 and binary files and duplicated column names; counts rows with NUL, control or non-UTF-8 bytes', () => {
    const t = tmpTree({
      'empty.csv': '',
      'utf16.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]),
      'utf16-nobom.csv': Buffer.from('a,b\n1,2\n', 'utf16le'),
      'latin1.csv': Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('\n3,fine\n')]),
      'nul.csv': 'a,b\n1,x\u0000y\n2,z\u0001\n3,tab\tand\fff ok\n',
    });
    try {
      expect(() => readCsvRows(join(t.dir, 'empty.csv'), [], quiet())).toThrow(/empty\.csv: empty CSV \(no header\)/);
      expect(() => readCsvRows(join(t.dir, 'utf16.csv'), [], quiet())).toThrow(/utf16\.csv: the file is UTF-16 \(byte-order mark FF FE\); save it as UTF-8/);
      expect(() => readCsvRows(join(t.dir, 'utf16-nobom.csv'), [], quiet())).toThrow(/utf16-nobom\.csv:1: the header holds NUL bytes/);
      expect(() => readCsvRows('d.csv', [], quiet(), 'a,b,a\n1,2,3\n')).toThrow('d.csv:1: column "a" appears twice in the header (columns 1 and 3)');
      // Unnamed columns (pandas' index) may repeat.
      expect(readCsvRows('d.csv', ['a'], quiet(), ',a,\n0,1,2\n').rows[0].values.a).toBe('1');
      const log = quiet();
      const latin = readCsvRows(join(t.dir, 'latin1.csv'), ['a', 'b'], log);
      expect(latin.rows.map((r) => r.values.a)).toEqual(['1', '3']);
      expect(() => readCsvRows(join(t.dir, 'latin1.csv'), [], new BadSampleLog('fail'))).toThrow(
        /latin1\.csv:3 \(field "b"\): binary-data: not UTF-8: undecodable bytes at character 3/,
      );
      const log2 = quiet();
      expect(readCsvRows(join(t.dir, 'nul.csv'), [], log2).rows.map((r) => r.values.a)).toEqual(['3']);
      expect(log2.summary()).toEqual({ 'binary-data': 2 });
      expect(() => readCsvRows(join(t.dir, 'nul.csv'), [], new BadSampleLog('fail'))).toThrow(
        /nul\.csv:2 \(field "b"\): binary-data: binary data: a NUL byte at character 1/,
      );
    } finally {
      t.cleanup();
    }
  });
});
