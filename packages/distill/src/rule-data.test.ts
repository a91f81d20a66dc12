import { describe, expect, it } from 'vitest';
import { chestXrayEntities } from '@ecamp/io';
import { defaultRuleData, ruleDataFromJson } from './rule-data.js';

describe('rule data', () => {
  it('covers every entity of the default lexicon', () => {
    const rules = defaultRuleData();
    for (const e of chestXrayEntities().entities) expect(Object.keys(rules.entities)).toContain(e);
  });
  it('names the field of a bad rules file', () => {
    const bad = structuredClone(defaultRuleData()) as any;
    bad.triggers.negationBefore = 'no';
    expect(() => ruleDataFromJson(bad, 'my-rules.json')).toThrow(/my-rules\.json: triggers\.negationBefore/);
    const badLat = structuredClone(defaultRuleData()) as any;
    badLat.descriptors.laterality.sinister = 'leftish';
    expect(() => ruleDataFromJson(badLat, 'r.json')).toThrow('descriptors.laterality.sinister');
  });
});
