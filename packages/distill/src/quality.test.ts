import { describe, expect, it } from 'vitest';
import { defaultMeshTable, goldEntitiesFromMesh, scoreEntityPresence } from './quality.js';
import type { EntityFinding } from './schema.js';

const table = defaultMeshTable();
const f = (entity: string, status: EntityFinding['status'], laterality: EntityFinding['laterality'] = null): EntityFinding => ({
  entity,
  status,
  laterality,
  severity: null,
  location: null,
  change: null,
});

describe('goldEntitiesFromMesh', () => {
  it('maps headings, qualified headings and sides', () => {
    const gold = goldEntitiesFromMesh('Opacity/lung/upper lobe/right/streaky;Cardiomegaly/mild;Lung/hyperdistention;Lung/hypoinflation;normal', table);
    expect(gold.map((g) => [g.entity, g.laterality])).toEqual([
      ['opacity', 'right'],
      ['cardiomegaly', null],
      ['hyperinflate', null],
    ]);
  });
  it('adds anatomy entities located by a pathological tag, not by devices', () => {
    const gold = goldEntitiesFromMesh('Calcinosis/lung/hilum/lymph nodes/right;Atherosclerosis/aorta;Surgical Instruments/hilum', table);
    expect(gold.map((g) => g.entity).sort()).toEqual(['aorta', 'calcification', 'hilar']);
  });
});

describe('scoreEntityPresence', () => {
  it('counts per-report sets and laterality', () => {
    const items = [
      { gold: goldEntitiesFromMesh('Opacity/lung/right;Pleural Effusion/left', table), predicted: { entities: [f('opacity', 'present', 'left'), f('effusion', 'absent'), f('silhouette', 'present')] } },
      { gold: goldEntitiesFromMesh('normal', table), predicted: { entities: [f('pneumonia', 'uncertain')] } },
    ];
    const r = scoreEntityPresence(items, table);
    expect([r.truePositives, r.falsePositives, r.falseNegatives]).toEqual([1, 1, 1]);
    expect(r.f1).toBeCloseTo(0.5);
    expect([r.lateralityCorrect, r.lateralityTotal]).toEqual([0, 1]);
    const strict = scoreEntityPresence(items, table, { uncertainAsPresent: false });
    expect(strict.falsePositives).toBe(0);
  });
});
