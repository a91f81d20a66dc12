import { describe, expect, it } from 'vitest';
import { createLexicon, defaultChestXrayLexicon, lexiconFromJson, normaliseEntityName, pluralForms } from './lexicon.js';

describe('lexicon', () => {
  it('ships the authors 44 entities', () => {
    const lex = defaultChestXrayLexicon();
    expect(lex.entities).toHaveLength(44);
    expect(lex.entities).toContain('effusion');
    expect(lex.entities).toContain('hyperinflate');
  });
  it('deduplicates and lowercases, rejects empty names', () => {
    expect(createLexicon(['Effusion', 'effusion ', 'Mass']).entities).toEqual(['effusion', 'mass']);
    expect(() => createLexicon(['ok', ' '])).toThrow('entry 1');
    expect(() => createLexicon([])).toThrow('at least one');
  });
  it('reads both JSON shapes and names the source on errors', () => {
    expect(lexiconFromJson(['a', 'b'], 'x').entities).toEqual(['a', 'b']);
    expect(lexiconFromJson({ entities: ['a'] }, 'x').entities).toEqual(['a']);
    expect(() => lexiconFromJson({ entities: [1] }, 'fundus.json')).toThrow('fundus.json: entities[0]');
    expect(() => lexiconFromJson({}, 'fundus.json')).toThrow('fundus.json');
  });
  it('inflects plurals', () => {
    expect(pluralForms('opacity')).toContain('opacities');
    expect(pluralForms('mass')).toContain('masses');
    expect(pluralForms('atelectasis')).toContain('atelectases');
    expect(pluralForms('pleural effusion')).toContain('pleural effusions');
  });
  it('normalises free-text names to lexicon entities', () => {
    const lex = defaultChestXrayLexicon();
    expect(normaliseEntityName('Pleural Effusions', lex)).toBe('effusion');
    expect(normaliseEntityName(' Opacities ', lex)).toBe('opacity');
    expect(normaliseEntityName('CHF', lex)).toBe('chf');
    expect(normaliseEntityName('scoliosis', lex)).toBeNull();
    expect(normaliseEntityName('', lex)).toBeNull();
  });
});
