import { describe, expect, it } from 'vitest';
import { prepareMlmExample } from './prepare-example.js';
import { fixtureTokenizer } from '../../test/fixture-tokenizer.js';
import { testRng } from '../../test/test-rng.js';
import { IGNORE_INDEX } from './mask-tokens.js';
import { wordSpans } from './analyse-tokens.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';

const tok = fixtureTokenizer();
const report = 'There is no pleural effusion. Mild cardiomegaly.';

describe('prepareMlmExample', () => {
  it('gives [CLS]-first, padded arrays with conserved weights and entity positions', () => {
    const ex = prepareMlmExample(report, { rng: testRng(1), tokenizer: tok });
    const L = tok.maxLength;
    for (const a of [ex.inputIds, ex.labels, ex.weights, ex.attentionMask]) expect(a.length).toBe(L);
    expect(ex.inputIds[0]).toBe(tok.specialIds.cls);
    expect(ex.labels[0]).toBe(IGNORE_INDEX);
    const real = ex.stats.realTokens;
    const wsum = ex.weights.reduce((s, v) => s + v, 0);
    expect(wsum).toBeCloseTo(real, 4);
    expect(ex.stats.templateTokens).toBe(3);
    expect(ex.stats.hasEntity).toBe(true);
    const enc = tok.encode(report);
    const entityWords = wordSpans(enc).filter((w) => w.text === 'effusion' || w.text === 'cardiomegaly');
    expect(ex.entityPositions).toEqual(entityWords.flatMap((w) => Array.from({ length: w.end - w.start }, (_, k) => w.start + k)));
    // Masked positions carry the original id.
    for (let i = 0; i < L; i++) if (ex.labels[i] !== IGNORE_INDEX) expect(ex.labels[i]).toBe(enc.ids[i]);
    for (let i = real; i < L; i++) {
      expect(ex.attentionMask[i]).toBe(0);
      expect(ex.weights[i]).toBe(0);
    }
  });

  it('inserts the context about 80 % of the time and is deterministic per seed', () => {
    const rng = testRng(2);
    let inserted = 0;
    for (let i = 0; i < 2000; i++) if (prepareMlmExample(report, { rng, tokenizer: tok, context: 'effusion absent' }).stats.contextInserted) inserted++;
    expect(Math.abs(inserted / 2000 - 0.8)).toBeLessThan(0.03);
    const a = prepareMlmExample(report, { rng: testRng(3), tokenizer: tok, context: 'effusion absent' });
    const b = prepareMlmExample(report, { rng: testRng(3), tokenizer: tok, context: 'effusion absent' });
    expect(a.text).toBe(b.text);
    expect(Array.from(a.inputIds)).toEqual(Array.from(b.inputIds));
  });

  it('random mode masks about 15 % with unit weights by default', () => {
    const rng = testRng(4);
    let masked = 0;
    let maskable = 0;
    for (let i = 0; i < 2000; i++) {
      const ex = prepareMlmExample(report, { rng, tokenizer: tok, mode: 'random' });
      masked += ex.stats.maskedTokens;
      maskable += ex.stats.realTokens - 1;
      expect(ex.weights.reduce((s, v) => s + v, 0)).toBe(ex.stats.realTokens);
    }
    expect(Math.abs(masked / maskable - 0.15)).toBeLessThan(0.01);
  });

  it('rebalance=false gives unit weights in paper mode, and random mode can be re-balanced', () => {
    const plain = prepareMlmExample(report, { rng: testRng(5), tokenizer: tok, rebalance: false });
    expect(Array.from(plain.weights.slice(0, plain.stats.realTokens)).every((w) => w === 1)).toBe(true);
    expect(plain.stats.movedMass).toBe(0);
    const reb = prepareMlmExample(report, { rng: testRng(5), tokenizer: tok, mode: 'random', rebalance: true });
    expect(reb.weights[1]).toBeCloseTo(0.05, 6); // "there" opens the template "there is no"
  });

  it("lossPositions 'all' (the authors' code): original ids at every position, padding weighted 1, same masking", () => {
    const masked = prepareMlmExample(report, { rng: testRng(7), tokenizer: tok });
    const all = prepareMlmExample(report, { rng: testRng(7), tokenizer: tok, lossPositions: 'all' });
    const L = tok.maxLength;
    const enc = tok.encode(report);
    expect(Array.from(all.inputIds)).toEqual(Array.from(masked.inputIds));
    expect(Array.from(all.labels)).toEqual(Array.from(enc.ids));
    expect(all.labels[L - 1]).toBe(tok.specialIds.pad);
    expect(all.stats.maskedTokens).toBe(masked.stats.maskedTokens);
    // Real positions keep their weights (descriptors carry the template mass); padding weighs 1.
    for (let i = 0; i < all.stats.realTokens; i++) expect(all.weights[i]).toBeCloseTo(masked.weights[i], 6);
    for (let i = all.stats.realTokens; i < L; i++) expect(all.weights[i]).toBe(1);
    expect(all.weights.reduce((a, w) => a + w, 0)).toBeCloseTo(L, 3);
    const plain = prepareMlmExample(report, { rng: testRng(7), tokenizer: tok, lossPositions: 'all', rebalance: false });
    expect(Array.from(plain.weights).every((w) => w === 1)).toBe(true);
    expect(() => prepareMlmExample(report, { rng: testRng(1), tokenizer: tok, lossPositions: 'some' as never })).toThrow(/lossPositions/);
  });

  it('rejects a bad mode or report naming the field', () => {
    expect(() => prepareMlmExample(report, { rng: testRng(1), tokenizer: tok, mode: 'bert' as never })).toThrow(/mode/);
    expect(() => prepareMlmExample(undefined as never, { rng: testRng(1), tokenizer: tok })).toThrow(/report/);
  });
});

const AUTHORS = 'tokenizers/mimic_wordpiece.json';
describe.runIf(!skipWithoutSharedData(AUTHORS, "golden weights with the authors' tokenizer"))("golden weights with the authors' tokenizer", () => {
  it('"There is no pleural effusion." → [CLS] 1, template 0.05, descriptors ×3.9/1.05', () => {
    const authors = loadTokenizer(sharedDataPath(AUTHORS)!, { maxLength: 10 });
    const ex = prepareMlmExample('There is no pleural effusion.', { rng: testRng(1), tokenizer: authors });
    // tokens: [CLS] there is no pleural effusion . [PAD]×3; T = 3 (there is no), D = 2 (no, pleural), O = 1 (no)
    const f = (0.95 * (3 - 1) + 2) / (2 - 0.95 * 1);
    const want = [1, 0.05, 0.05, 0.05 * f, f, 1, 1, 0, 0, 0];
    Array.from(ex.weights).forEach((w, i) => expect(w).toBeCloseTo(want[i], 5));
    expect(ex.entityPositions).toEqual([5]);
  });

  it('"No pneumothorax." has no template: all weights 1; "There is no evidence of" without entity spreads over L', () => {
    const authors = loadTokenizer(sharedDataPath(AUTHORS)!, { maxLength: 10 });
    const a = prepareMlmExample('No pneumothorax.', { rng: testRng(1), tokenizer: authors });
    expect(Array.from(a.weights.slice(0, 4))).toEqual([1, 1, 1, 1]);
    // [CLS] there is no evidence of disease . → L = 8, T = 5, no entity so no descriptor.
    const b = prepareMlmExample('There is no evidence of disease.', { rng: testRng(1), tokenizer: authors });
    const f = 8 / (8 - 0.95 * 5);
    expect(b.weights[0]).toBeCloseTo(f, 5);
    expect(b.weights[3]).toBeCloseTo(0.05 * f, 5);
    expect(b.weights[6]).toBeCloseTo(f, 5);
    // The authors' code scales by the padded length (their max_caption_length) and weights padding.
    const c = prepareMlmExample('There is no evidence of disease.', { rng: testRng(1), tokenizer: authors, lossPositions: 'all' });
    const g = 10 / (10 - 0.95 * 5);
    expect(c.weights[0]).toBeCloseTo(g, 5);
    expect(c.weights[3]).toBeCloseTo(0.05 * g, 5);
    expect(c.weights[9]).toBeCloseTo(g, 5);
    expect(Array.from(c.labels.slice(0, 6))).toEqual([2, 219, 149, 152, 422, 158]);
  });
});
