import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPredictions } from './predictions.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-pred-'));
const finding = (entity: string, status: string, laterality: string | null = null) => ({
  entity,
  status,
  severity: null,
  laterality,
  location: null,
  change: null,
});

describe('readPredictions', () => {
  it('reads out-jsonl rows, normalises entity names and lists rows without a distillation', () => {
    const p = join(dir, 'ok.jsonl');
    const rows = [
      { id: 'a', status: 'done', distillation: { entities: [finding('Pleural effusions', 'present', 'left'), finding('unicorn', 'present')] } },
      { id: 'b', status: 'failed', distillation: null },
      { id: 7, distillation: { entities: [] } },
    ];
    writeFileSync(p, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n\n`);
    const set = readPredictions(p);
    expect(set.byId.get('a')?.entities).toEqual([finding('effusion', 'present', 'left')]);
    expect(set.byId.get('7')?.entities).toEqual([]);
    expect(set.withoutDistillation).toEqual(['b']);
  });
  it('names file, line and field of bad rows and repeated ids', () => {
    const p = join(dir, 'bad.jsonl');
    writeFileSync(
      p,
      `${JSON.stringify({ id: 'a', distillation: { entities: [] } })}\n${JSON.stringify({ id: 'b', distillation: { entities: [{ entity: 'mass', status: 'maybe' }] } })}\n`,
    );
    expect(() => readPredictions(p)).toThrow(new RegExp(`bad\\.jsonl:2: distillation: entities\\.0\\.status`));
    const q = join(dir, 'dup.jsonl');
    writeFileSync(q, `{"id":"a","distillation":null}\n{"id":"a","distillation":null}\n`);
    expect(() => readPredictions(q)).toThrow(/dup\.jsonl:2: id: "a" appears twice/);
    const r = join(dir, 'noid.jsonl');
    writeFileSync(r, '{"distillation":null}\n');
    expect(() => readPredictions(r)).toThrow(/noid\.jsonl:1: id/);
    expect(() => readPredictions(join(dir, 'absent.jsonl'))).toThrow(/cannot read predictions .*absent\.jsonl: ENOENT/);
  });
});
