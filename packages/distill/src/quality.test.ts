import { describe, expect, it } from 'vitest';
import { defaultMeshTable, entityScores, formatQualityReport, goldEntitiesFromMesh, headingsOnlyTable, iuXraySplit, scoreEntityPresence } from './quality.js';
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
      {
        gold: goldEntitiesFromMesh('Opacity/lung/right;Pleural Effusion/left', table),
        predicted: { entities: [f('opacity', 'present', 'left'), f('effusion', 'absent'), f('silhouette', 'present')] },
      },
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

describe('error kinds and per-entity scores', () => {
  it('counts each error by its kind', () => {
    const items = [
      {
        gold: goldEntitiesFromMesh('Opacity/lung/right;Pleural Effusion/left;Nodule;Mass/bilateral;Pneumonia', table),
        predicted: {
          entities: [
            f('opacity', 'present'),
            f('effusion', 'present', 'right'),
            f('nodule', 'absent'),
            f('mass', 'present', 'left'),
            f('pneumonia', 'uncertain'),
            f('edema', 'present'),
            f('fracture', 'uncertain'),
          ],
        },
      },
    ];
    const loose = scoreEntityPresence(items, table);
    expect(loose.errors).toMatchObject({ missedNotMentioned: 0, missedNegated: 1, missedUncertain: 0, spuriousPresent: 1, spuriousUncertain: 1 });
    expect(loose.errors).toMatchObject({ lateralityNoSide: 1, lateralityWrongSide: 1, lateralityBilateralMismatch: 1 });
    const strict = scoreEntityPresence(items, table, { uncertainAsPresent: false });
    expect(strict.errors).toMatchObject({ missedUncertain: 1, spuriousUncertain: 0 });
    expect(entityScores({ tp: 3, fp: 1, fn: 2 })).toEqual({ precision: 0.75, recall: 0.6, f1: (2 * 0.75 * 0.6) / 1.35 });
    expect(entityScores({ tp: 0, fp: 0, fn: 0 }).f1).toBe(0);
    const text = formatQualityReport(loose, { perEntity: true });
    expect(text).toContain('laterality [no side 1, wrong side 1, bilateral vs one 1]');
    expect(text).toMatch(/edema\s+0\.0\s+0\.0\s+0\.0\s+0\s+1\s+0/);
  });
  it('reads headings only without the anatomy rule, and splits IU X-ray ids', () => {
    const strictTable = headingsOnlyTable(table);
    expect(goldEntitiesFromMesh('Atherosclerosis/aorta', strictTable)).toEqual([]);
    expect(goldEntitiesFromMesh('Atherosclerosis/aorta', table).map((g) => g.entity)).toEqual(['aorta']);
    expect([iuXraySplit('4'), iuXraySplit('6'), iuXraySplit('x'), iuXraySplit('1000')]).toEqual(['tune', 'test', 'test', 'tune']);
  });
});
