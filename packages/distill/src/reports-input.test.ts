import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { describe, expect, it } from 'vitest';
import { type ReportInput, readReports, reportsFromPretrainRecords } from './reports-input.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-input-'));
async function collect(it: AsyncIterable<ReportInput>) {
  const out: ReportInput[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('readReports', () => {
  it('reads CSV with findings + impression and quoted newlines', async () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, 'uid,findings,impression,img_path\n1,"No effusion.\nClear lungs.",Normal.,a.png\n2,,Cardiomegaly.,b.png\n');
    const rows = await collect(readReports(p));
    expect(rows.map((r) => [r.id, r.text, r.imagePath])).toEqual([
      ['1', 'No effusion.\nClear lungs. Normal.', 'a.png'],
      ['2', 'Cardiomegaly.', 'b.png'],
    ]);
  });
  it('reads JSONL and names the line of a broken record', async () => {
    const p = join(dir, 'a.jsonl');
    writeFileSync(p, '{"id":"x","text":"No pneumothorax."}\n\n{"id":"y","text":\n');
    const it = readReports(p)[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ id: 'x', text: 'No pneumothorax.' });
    await expect(it.next()).rejects.toThrow(`${p}:3`);
  });
  it('names missing columns and empty ids', async () => {
    const p = join(dir, 'b.csv');
    writeFileSync(p, 'name,notes\nx,y\n');
    await expect(collect(readReports(p))).rejects.toThrow(/b\.csv: no id column/);
    const q = join(dir, 'c.csv');
    writeFileSync(q, 'id,text\n1,ok\n,missing id\n');
    await expect(collect(readReports(q))).rejects.toThrow(/c\.csv:3: empty id/);
  });
  it('reads the IU X-ray dev reports', async () => {
    if (skipWithoutSharedData('iu-xray/reports-dev.csv', 'IU X-ray reader test')) return;
    const rows = await collect(readReports(sharedDataPath('iu-xray/reports-dev.csv')!));
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows[0].fields?.MeSH).toContain('Cardiomegaly');
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });
  it('adapts @ecamp/data pre-training records', async () => {
    const record = { id: 'd1', imagePath: '/img/d1.jpg', report: 'No effusion.', origin: { file: 'x' } };
    const rows = await collect(reportsFromPretrainRecords([record]));
    expect(rows).toEqual([{ id: 'd1', text: 'No effusion.', imagePath: '/img/d1.jpg' }]);
  });
});
