import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorsNegationTemplates, loadTemplateLexicon, negationTemplates, templateLexiconFrom } from './lexicon.js';

describe('template lexicons', () => {
  it('ships our negation templates and the authors two', () => {
    expect(negationTemplates().templates).toContain('there is no evidence of');
    expect(negationTemplates().templates).toHaveLength(14);
    expect(authorsNegationTemplates().templates).toEqual(['there is no evidence of', 'there is no']);
  });

  it('lowercases entries and names the bad field', () => {
    expect(templateLexiconFrom({ name: 't', templates: [' No Evidence Of '] }).templates).toEqual(['no evidence of']);
    expect(() => templateLexiconFrom({ templates: [] }, 't.json')).toThrow(/t\.json: field "templates"/);
    expect(() => templateLexiconFrom({ templates: ['ok', 3] }, 't.json')).toThrow(/t\.json: templates\[1\]/);
  });

  it('reads files and names the file on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-lex-'));
    const good = join(dir, 'neg.json');
    writeFileSync(good, JSON.stringify({ name: 'n', templates: ['no'] }));
    expect(loadTemplateLexicon(good)).toEqual({ name: 'n', templates: ['no'] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => loadTemplateLexicon(bad)).toThrow(/bad\.json/);
    expect(() => loadTemplateLexicon(join(dir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
