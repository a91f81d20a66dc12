import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chestXrayEntities,
  entityLexiconFrom,
  fundusEntities,
  loadEntityLexicon,
  loadTemplateLexicon,
  negationTemplates,
  authorsNegationTemplates,
  templateLexiconFrom,
} from './lexicon.js';

describe('lexicons', () => {
  it("ships the authors' 44 chest X-ray entities", () => {
    const lex = chestXrayEntities();
    expect(lex.entities).toHaveLength(44);
    expect(new Set(lex.entities).size).toBe(44);
    for (const w of ['aerate', 'hyperinflate', 'copd', 'pneumothorax', 'vasculature']) expect(lex.entities).toContain(w);
  });

  it('ships negation templates and a fundus lexicon', () => {
    expect(negationTemplates().templates).toContain('there is no evidence of');
    expect(negationTemplates().templates).toHaveLength(14);
    expect(authorsNegationTemplates().templates).toEqual(['there is no evidence of', 'there is no']);
    expect(fundusEntities().entities).toContain('microaneurysm');
  });

  it('lowercases entries and names the bad field', () => {
    expect(entityLexiconFrom({ name: 'x', entities: [' Effusion '] }).entities).toEqual(['effusion']);
    expect(() => entityLexiconFrom({ entities: ['ok', 3] }, 'my.json')).toThrow(/my\.json: entities\[1\]/);
    expect(() => entityLexiconFrom({ entities: ['pleural effusion'] }, 'my.json')).toThrow(/one word/);
    expect(() => templateLexiconFrom({ templates: [] }, 't.json')).toThrow(/t\.json: field "templates"/);
    expect(entityLexiconFrom({ entities: ['mass'], matchPlurals: true }).matchPlurals).toBe(true);
    expect(() => entityLexiconFrom({ entities: ['mass'], matchPlurals: 'yes' }, 'p.json')).toThrow(/p\.json: field "matchPlurals"/);
  });

  it('reads files and names the file on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-lex-'));
    const good = join(dir, 'fundus.json');
    writeFileSync(good, JSON.stringify({ name: 'f', entities: ['drusen'] }));
    expect(loadEntityLexicon(good)).toEqual({ name: 'f', entities: ['drusen'] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => loadTemplateLexicon(bad)).toThrow(/bad\.json/);
    expect(() => loadEntityLexicon(join(dir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
