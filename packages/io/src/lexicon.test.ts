import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chestXrayEntities,
  createLexicon,
  entityLexiconFrom,
  fundusEntities,
  loadEntityLexicon,
  matchEntity,
  normaliseEntityName,
  pluralForms,
} from './lexicon.js';

describe('bundled lexicons', () => {
  it("ships the authors' 44 chest X-ray entities and a fundus list", () => {
    const lex = chestXrayEntities();
    expect(lex.entities).toHaveLength(44);
    expect(new Set(lex.entities).size).toBe(44);
    for (const w of ['aerate', 'hyperinflate', 'copd', 'effusion', 'pneumothorax', 'vasculature']) expect(lex.entities).toContain(w);
    expect(lex.matchPlurals).toBeUndefined();
    expect(chestXrayEntities()).toBe(lex);
    expect(fundusEntities().entities).toContain('microaneurysm');
  });
});

describe('entityLexiconFrom / createLexicon / loadEntityLexicon', () => {
  it('trims, lowercases and deduplicates; reads both JSON shapes', () => {
    expect(entityLexiconFrom({ name: 'x', entities: [' Effusion '] })).toEqual({ name: 'x', entities: ['effusion'] });
    expect(createLexicon(['Effusion', 'effusion ', 'Mass']).entities).toEqual(['effusion', 'mass']);
    expect(entityLexiconFrom(['a', 'b'], 'x').entities).toEqual(['a', 'b']);
    expect(entityLexiconFrom({ entities: ['mass'], matchPlurals: true }).matchPlurals).toBe(true);
  });

  it('names the source and the bad entry', () => {
    expect(() => entityLexiconFrom({ entities: ['ok', 3] }, 'my.json')).toThrow(/my\.json: entities\[1\]/);
    expect(() => entityLexiconFrom({ entities: ['pleural effusion'] }, 'my.json')).toThrow(/entities\[0\] "pleural effusion" must be one word/);
    expect(() => entityLexiconFrom({ entities: ['mass'], matchPlurals: 'yes' }, 'p.json')).toThrow(/p\.json: field "matchPlurals"/);
    expect(() => entityLexiconFrom({}, 'fundus.json')).toThrow(/fundus\.json: field "entities"/);
    expect(() => entityLexiconFrom(null, 'n.json')).toThrow(/n\.json is not an array or an object/);
    expect(() => createLexicon(['ok', ' '])).toThrow(/entities\[1\]/);
    expect(() => createLexicon([])).toThrow(/non-empty array/);
  });

  it('reads a file through readJsonFile, its errors saying "entity lexicon"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'io-lex-'));
    const good = join(dir, 'fundus.json');
    writeFileSync(good, JSON.stringify({ name: 'f', entities: ['drusen'] }));
    expect(loadEntityLexicon(good)).toEqual({ name: 'f', entities: ['drusen'] });
    expect(() => loadEntityLexicon(join(dir, 'missing.json'))).toThrow(/^entity lexicon: cannot read .*missing\.json/);
  });
});

describe('word forms', () => {
  it('inflects plurals, the last word of a phrase only', () => {
    expect(pluralForms('opacity')).toEqual(['opacity', 'opacities']);
    expect(pluralForms('mass')).toEqual(['mass', 'masses']);
    expect(pluralForms('atelectasis')).toContain('atelectases');
    expect(pluralForms('pleural effusion')).toEqual(['pleural effusion', 'pleural effusions']);
    // forms the rule distiller's data uses for its entities keep their own plurals
    expect(pluralForms('hyperinflated')).toEqual(['hyperinflated', 'hyperinflateds']);
  });

  it('matches report words: exact always, plurals when the lexicon says so', () => {
    const exact = chestXrayEntities();
    const plural = { ...exact, matchPlurals: true };
    expect(matchEntity('Effusion', exact)).toBe('effusion');
    expect(matchEntity('effusions', exact)).toBeNull();
    expect(matchEntity('effusions', plural)).toBe('effusion');
    expect(matchEntity('opacities', plural)).toBe('opacity');
    expect(matchEntity('masses', plural)).toBe('mass');
    expect(matchEntity('atelectases', plural)).toBe('atelectasis');
    expect(matchEntity('mass', plural)).toBe('mass');
    expect(matchEntity('massive', plural)).toBeNull();
  });

  it('normalises free-text names to lexicon entities', () => {
    const lex = chestXrayEntities();
    expect(normaliseEntityName('Pleural Effusions', lex)).toBe('effusion');
    expect(normaliseEntityName(' Opacities ', lex)).toBe('opacity');
    expect(normaliseEntityName('CHF', lex)).toBe('chf');
    expect(normaliseEntityName('pleural_effusion', lex)).toBe('effusion');
    expect(normaliseEntityName('scoliosis', lex)).toBeNull();
    expect(normaliseEntityName('', lex)).toBeNull();
  });
});
