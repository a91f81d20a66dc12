import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { type ReportInput, Utf8Guard, readReports, reportsFromPretrainRecords } from './reports-input.js';

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
    await expect(collect(readReports(p))).rejects.toThrow(/b\.csv:1: no id column/);
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

describe('readReports refuses silent bad input', () => {
  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  it('names an empty or header-only file', async () => {
    await expect(collect(readReports(file('empty.csv', '')))).rejects.toThrow(/empty\.csv: no reports \(the file is empty or has a header row only\)/);
    await expect(collect(readReports(file('header.csv', 'uid,findings,impression\n')))).rejects.toThrow(/header\.csv: no reports/);
    await expect(collect(readReports(file('empty.jsonl', '\n\n')))).rejects.toThrow(/empty\.jsonl: no reports \(the file is empty\)/);
  });
  it('names a missing impression column and lets --text-column use findings alone', async () => {
    const p = file('noimp.csv', 'uid,findings\n1,Small effusion.\n');
    await expect(collect(readReports(p))).rejects.toThrow(/noimp\.csv:1: column "impression" not found among: uid, findings; pass --text-column findings/);
    expect((await collect(readReports(p, { textColumns: ['findings'] })))[0].text).toBe('Small effusion.');
  });
  it('names the line of bytes that are not UTF-8 and of a NUL byte', async () => {
    const latin1 = Buffer.concat([Buffer.from('uid,findings,impression\n1,ok,ok\n2,Caf'), Buffer.from([0xe9]), Buffer.from(' effusion.,ok\n')]);
    await expect(collect(readReports(file('latin1.csv', latin1)))).rejects.toThrow(/latin1\.csv:3: not UTF-8 \(byte 0xe9 at byte offset 37\)/);
    const nul = Buffer.from('{"id":"a","text":"ok"}\n{"id":"b","text":"bad\u0000"}\n'.replace('\\u0000', '\u0000'));
    await expect(collect(readReports(file('nul.jsonl', nul)))).rejects.toThrow(/nul\.jsonl:2: NUL byte/);
    const utf8 = await collect(readReports(file('utf8.csv', 'uid,text\n1,Café — naïve 🫁 effusion.\n')));
    expect(utf8[0].text).toBe('Café — naïve 🫁 effusion.');
  });
  it('refuses a repeated id unless allowed', async () => {
    const p = file('dup.csv', 'id,text\na,x\nb,y\na,z\n');
    await expect(collect(readReports(p))).rejects.toThrow(/dup\.csv:4: duplicate id "a" \(first at line 2\); pass --allow-duplicate-ids/);
    expect((await collect(readReports(p, { allowDuplicateIds: true }))).map((r) => r.id)).toEqual(['a', 'b', 'a']);
    const q = file('dup.jsonl', '{"id":"a","text":"x"}\r\n{"id":"a","text":"y"}\r\n');
    await expect(collect(readReports(q))).rejects.toThrow(/dup\.jsonl:2: duplicate id "a" \(first at line 1\)/);
  });
});

describe('Utf8Guard', () => {
  const check = async (chunks: number[][]) => {
    const out: Buffer[] = [];
    for await (const c of Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new Utf8Guard('x'))) out.push(c as Buffer);
    return Buffer.concat(out);
  };
  it('passes UTF-8 split across chunks and refuses overlongs, surrogates and truncation', async () => {
    const euro = [...Buffer.from('€')];
    expect(
      (
        await check([
          [0x61, euro[0]],
          [euro[1], euro[2], 0x0a],
        ])
      ).toString('utf8'),
    ).toBe('a€\n');
    await expect(check([[0xc0, 0xaf]])).rejects.toThrow('byte 0xc0');
    await expect(check([[0x61, 0xed, 0xa0, 0x80]])).rejects.toThrow('byte 0xed at byte offset 1');
    await expect(check([[0x0a, 0xe2, 0x82]])).rejects.toThrow('x:2: not UTF-8 (the file ends inside a multi-byte character)');
  });
});
