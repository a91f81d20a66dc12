import { describe, expect, it } from 'vitest';
import { chestXrayEntities } from '@ecamp/io';
import { canonicalDistillation, ollamaFormatSchema, validateLlmAnswer } from './schema.js';

const lex = chestXrayEntities();

describe('validateLlmAnswer', () => {
  it('accepts a valid answer, normalises names and descriptors', () => {
    const raw = JSON.stringify({
      entities: [
        { entity: 'Pleural Effusions', status: 'present', severity: ' Small ', laterality: 'left', location: null, change: '' },
        { entity: 'scoliosis', status: 'present', severity: null, laterality: null, location: null, change: null },
        { entity: 'pneumothorax', status: 'absent' },
      ],
    });
    const r = validateLlmAnswer(raw, lex);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.unknownEntities).toEqual(['scoliosis']);
    expect(r.distillation.entities).toEqual([
      { entity: 'effusion', status: 'present', severity: 'small', laterality: 'left', location: null, change: null },
      { entity: 'pneumothorax', status: 'absent', severity: null, laterality: null, location: null, change: null },
    ]);
  });
  it('reports broken JSON', () => {
    const r = validateLlmAnswer('{"entities": [', lex);
    expect(r).toMatchObject({ ok: false, kind: 'invalid-json' });
  });
  it('reports schema violations with their path', () => {
    const r = validateLlmAnswer(JSON.stringify({ entities: [{ entity: 'mass', status: 'maybe' }] }), lex);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe('invalid-schema');
    expect(r.error).toContain('entities.0.status');
  });
});

describe('canonicalDistillation', () => {
  it('orders by lexicon, then status, and drops duplicates', () => {
    const f = (entity: string, status: 'present' | 'absent') => ({ entity, status, severity: null, laterality: null, location: null, change: null });
    const d = canonicalDistillation([f('pneumothorax', 'absent'), f('effusion', 'absent'), f('effusion', 'present'), f('effusion', 'present')], lex);
    expect(d.entities.map((e) => `${e.entity}:${e.status}`)).toEqual(['effusion:present', 'effusion:absent', 'pneumothorax:absent']);
  });
});

describe('ollamaFormatSchema', () => {
  it('constrains entity names to the lexicon', () => {
    const schema = ollamaFormatSchema(lex) as any;
    expect(schema.properties.entities.items.properties.entity.enum).toHaveLength(44);
    expect(schema.required).toEqual(['entities']);
  });
});
