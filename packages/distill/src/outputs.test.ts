import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.js';
import { Journal } from './journal.js';
import { journalRows, ruleRows, writeOutputs } from './outputs.js';
import { RuleDistiller } from './rule-distiller.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-out-'));

describe('outputs', () => {
  it('writes the authors CSV and JSONL from journal rows, in input order', async () => {
    const j = Journal.open(join(dir, 'j.jsonl'));
    const reports = [
      { id: 'a', text: 'Small, "left" effusion.\nNo pneumothorax.', imagePath: 'p/a.jpg' },
      { id: 'b', text: 'Mass.', imagePath: 'p/b.jpg' },
      { id: 'c', text: 'Never distilled.', imagePath: 'p/c.jpg' },
    ];
    const base = { model: 'm', promptVersion: 'v', attempts: 1, at: '' };
    j.append({ ...base, key: cacheKey('v', 'm', 'Mass.'), id: 'b', status: 'failed', reason: 'timeout' });
    j.append({ ...base, key: cacheKey('v', 'm', reports[0].text), id: 'a', status: 'done', context: 'small left effusion.', distillation: { entities: [] } });
    const csv = join(dir, 'out.csv');
    const jsonl = join(dir, 'out.jsonl');
    expect(await writeOutputs(journalRows(reports, j, 'v', 'm'), { csv, jsonl })).toBe(3);
    j.close();
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { img_path: 'p/a.jpg', report: reports[0].text, llm_output: '', id: 'a' },
      { img_path: 'p/b.jpg', report: 'Mass.', llm_output: '', id: 'b' },
      { img_path: 'p/c.jpg', report: 'Never distilled.', llm_output: '', id: 'c' },
    ]);
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.status, l.reason])).toEqual([
      ['a', 'done', undefined],
      ['b', 'failed', 'timeout'],
      ['c', 'missing', undefined],
    ]);
  });
  it('leaves no temporary file when an output path cannot be written', async () => {
    const d = mkdtempSync(join(dir, 'unwritable-'));
    mkdirSync(join(d, 'csv-is-a-dir.csv'));
    await expect(
      writeOutputs([{ id: 'x', imagePath: '', report: 'r', status: 'done', context: 'c' }], {
        jsonl: join(d, 'out.jsonl'),
        csv: join(d, 'missing', 'out.csv'),
      }),
    ).rejects.toThrow(/cannot write .*out\.csv: ENOENT/);
    expect(readdirSync(d)).toEqual(['csv-is-a-dir.csv']);
  });
  it('writes the id column and skipped rows for reports over the length cap', async () => {
    const csv = join(dir, 'ids.csv');
    const jsonl = join(dir, 'ids.jsonl');
    const reports = [
      { id: 'CXR1', text: 'Small left effusion.' },
      { id: 'CXR2', text: `Effusion. ${'x'.repeat(60)}` },
    ];
    await writeOutputs(ruleRows(reports, new RuleDistiller(), 50), { csv, jsonl });
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.img_path, r.id, r.llm_output])).toEqual([
      ['', 'CXR1', 'small left effusion.'],
      ['', 'CXR2', ''],
    ]);
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[1]).toMatchObject({ id: 'CXR2', status: 'skipped', reason: 'too-long (70 > 50 characters)' });
  });
  it('distils rows offline with the rules', async () => {
    const rows = [];
    for await (const r of ruleRows([{ id: 'x', text: 'No pneumothorax.' }], new RuleDistiller())) rows.push(r);
    expect(rows[0]).toMatchObject({ id: 'x', status: 'done', context: 'no pneumothorax.' });
  });
});
