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

  it('reads a file through readJsonFile (errors saying "template lexicon"); its top level must be an object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-lex-'));
    const good = join(dir, 'neg.json');
    writeFileSync(good, JSON.stringify({ name: 'n', templates: ['no'] }));
    expect(loadTemplateLexicon(good)).toEqual({ name: 'n', templates: ['no'] });
    expect(() => loadTemplateLexicon(join(dir, 'missing.json'))).toThrow(/^template lexicon: cannot read .*missing\.json/);
    const list = join(dir, 'list.json');
    writeFileSync(list, '["no"]');
    expect(() => loadTemplateLexicon(list)).toThrow(/list\.json is not a valid lexicon JSON: top level is not an object/);
  });
});
