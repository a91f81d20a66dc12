import { describe, expect, it } from 'vitest';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { chestXrayEntities } from '@ecamp/io';
import { analyseTokens, markTemplates, wordSpans } from './analyse-tokens.js';
import { negationTemplates } from '../lexicon/lexicon.js';
import { fixtureTokenizer } from '../../test/fixture-tokenizer.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';

const lexicon = chestXrayEntities();
const templates = negationTemplates();

describe('analyseTokens', () => {
  const tok = fixtureTokenizer();

  it('finds entities, their two descriptors and templates', () => {
    const enc = tok.encode('There is no pleural effusion.');
    const a = analyseTokens(enc, tok, lexicon, templates);
    expect(enc.tokens.slice(0, 7)).toEqual(['[CLS]', 'there', 'is', 'no', 'pleural', 'effusion', '.']);
    expect(a.entityPositions).toEqual([5]);
    expect(Array.from(a.isDescriptor.slice(0, 7))).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(a.isTemplate.slice(0, 7))).toEqual([0, 1, 1, 1, 0, 0, 0]);
    expect(a.hasEntity).toBe(true);
  });

  it('does not take descriptors across a sentence end or [CLS]', () => {
    const enc = tok.encode('Lungs are clear. Pneumothorax.');
    const a = analyseTokens(enc, tok, lexicon, templates);
    const i = enc.tokens.indexOf('pneumothorax');
    expect(a.entityPositions).toEqual([i]);
    expect(Array.from(a.isDescriptor).every((d) => d === 0)).toBe(true);
    const b = analyseTokens(tok.encode('effusion'), tok, lexicon, templates);
    expect(Array.from(b.isDescriptor).every((d) => d === 0)).toBe(true);
  });

  it('matches multi-piece entity words on whole words (aerate, hyperinflate)', () => {
    const enc = tok.encode('lungs aerate. lungs hyperinflate.');
    const aer = enc.tokens.indexOf('aerate');
    // The fixture vocabulary splits the word: it must still match as a whole.
    expect(aer).toBe(-1);
    const a = analyseTokens(enc, tok, lexicon, templates);
    const words = wordSpans(enc);
    const entityTexts = words.filter((_, w) => a.entityWord[w]).map((w) => w.text);
    expect(entityTexts).toEqual(['aerate', 'hyperinflate']);
    const aerateSpan = words.find((w) => w.text === 'aerate')!;
    expect(aerateSpan.end - aerateSpan.start).toBeGreaterThan(1);
    for (let i = aerateSpan.start; i < aerateSpan.end; i++) expect(a.entityPositions).toContain(i);
    // A word that only starts like an entity is not one.
    expect(analyseTokens(tok.encode('effusions'), tok, lexicon, templates).hasEntity).toBe(false);
  });

  it('matches regular plurals only when the lexicon asks for it', () => {
    const enc = tok.encode('bilateral effusions and opacities');
    expect(analyseTokens(enc, tok, lexicon, templates).hasEntity).toBe(false);
    const a = analyseTokens(enc, tok, { ...lexicon, matchPlurals: true }, templates);
    const texts = wordSpans(enc)
      .filter((_, w) => a.entityWord[w])
      .map((w) => w.text);
    expect(texts).toEqual(['effusions', 'opacities']);
  });

  it('matches templates only on word boundaries', () => {
    // ids [5 6 7] then a continuation of the same word at 3: no match.
    const enc = { ids: Int32Array.from([5, 6, 7, 8]), wordIds: Int32Array.from([0, 1, 2, 2]), length: 4 };
    expect(Array.from(markTemplates(enc, [[5, 6, 7]]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(markTemplates(enc, [[5, 6]]))).toEqual([1, 1, 0, 0]);
    // Overlapping templates are unioned.
    expect(
      Array.from(
        markTemplates(enc, [
          [5, 6],
          [6, 7, 8],
        ]),
      ),
    ).toEqual([1, 1, 1, 1]);
  });
});

const AUTHORS = 'tokenizers/mimic_wordpiece.json';
const hasAuthors = !skipWithoutSharedData(AUTHORS, "entity matching with the authors' tokenizer");
describe.runIf(hasAuthors)("analyseTokens with the authors' tokenizer", () => {
  it('matches aerate and copd, which the per-piece lookup dropped', () => {
    const tok = loadTokenizer(sharedDataPath(AUTHORS)!, { maxLength: 32 });
    const enc = tok.encode('Lungs aerate well. Known COPD.');
    const a = analyseTokens(enc, tok, lexicon, templates);
    const texts = wordSpans(enc)
      .filter((_, w) => a.entityWord[w])
      .map((w) => w.text);
    expect(texts).toEqual(['aerate', 'copd']);
  });
});
