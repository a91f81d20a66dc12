import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatWindowCsv, parseWindowCsv, readWindowCsv, writeWindowCsv } from './window-csv.js';

describe('window CSV', () => {
  it("reads the authors' format: label_i is the row, label_j the column; extra columns kept", () => {
    const rows = parseWindowCsv(',label_i,label_j\n0,2,0\n1,1.0,2\n');
    expect(rows.map(({ i, j }) => ({ i, j }))).toEqual([
      { i: 2, j: 0 },
      { i: 1, j: 2 },
    ]);
    expect(rows[1]).toMatchObject({ line: 3, fields: { '': '1', label_i: '1.0', label_j: '2' } });
  });

  it('names the file, line and column of a bad value', () => {
    expect(() => parseWindowCsv('label_i,label_j\n0,0\n3,1\n', 'w.csv')).toThrow('w.csv:3: label_i must be an integer in 0..2, got "3"');
    expect(() => parseWindowCsv('label_i,label_j\n0,x\n', 'w.csv')).toThrow('w.csv:2: label_j must be an integer in 0..2, got "x"');
    expect(() => parseWindowCsv('label_i,label_j\n0\n', 'w.csv')).toThrow('w.csv:2: 1 fields, the header has 2');
    expect(() => parseWindowCsv('i,j\n0,0\n', 'w.csv')).toThrow(/w.csv:1: header must have columns label_i and label_j/);
    expect(() => parseWindowCsv('', 'w.csv')).toThrow(/w.csv: empty file/);
  });

  it('validates against another geometry', () => {
    expect(parseWindowCsv('label_i,label_j\n4,0\n', 'w', { gridSize: 8, windowCells: 4, cellPx: 8 })[0].i).toBe(4);
  });

  const dir = mkdtemp(join(tmpdir(), 'ecamp-wcsv-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('writes atomically and reads back what it wrote, quoting awkward keys', async () => {
    const path = join(await dir, 'windows.csv');
    const entries = [
      { i: 0, j: 2, extra: { img_path: 'a, b.jpg' } },
      { i: 2, j: 1, extra: { img_path: 'c.jpg' } },
    ];
    await writeWindowCsv(path, entries);
    expect(await readdir(await dir)).toEqual(['windows.csv']);
    const back = await readWindowCsv(path);
    expect(back.map((r) => [r.fields.img_path, r.i, r.j])).toEqual([
      ['a, b.jpg', 0, 2],
      ['c.jpg', 2, 1],
    ]);
  });

  it('refuses entries with inconsistent extra columns', () => {
    expect(() =>
      formatWindowCsv([
        { i: 0, j: 0, extra: { a: '1' } },
        { i: 0, j: 0, extra: { b: '1' } },
      ]),
    ).toThrow(/entry 1/);
  });
});
