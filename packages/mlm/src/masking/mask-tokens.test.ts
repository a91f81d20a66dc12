import { describe, expect, it } from 'vitest';
import { maskEntityAware, maskRandom, IGNORE_INDEX } from './mask-tokens.js';
import { analyseTokens } from './analyse-tokens.js';
import { chestXrayEntities } from '@ecamp/io';
import { negationTemplates } from '../lexicon/lexicon.js';
import { fixtureTokenizer } from '../../test/fixture-tokenizer.js';
import { testRng } from '../../test/test-rng.js';

const tok = fixtureTokenizer();
const lexicon = chestXrayEntities();
const templates = negationTemplates();
const N = 4000;

/** Masking rate per token class over N draws of the same encoded report. */
function rates(text: string, mode: 'paper' | 'authors-code', seed: number) {
  const enc = tok.encode(text);
  const a = analyseTokens(enc, tok, lexicon, templates);
  const rng = testRng(seed);
  const hit = { entity: 0, descriptor: 0, other: 0 };
  const tot = { entity: 0, descriptor: 0, other: 0 };
  // Inconsistent rows are counted, not asserted per token (expect() per token is slow).
  let inconsistent = 0;
  for (let n = 0; n < N; n++) {
    const m = maskEntityAware(enc.ids, a, rng, tok.specialIds.mask, mode);
    for (let i = 0; i < enc.ids.length; i++) {
      if (enc.wordIds[i] < 0) {
        if (m.labels[i] !== IGNORE_INDEX || m.inputIds[i] !== enc.ids[i]) inconsistent++;
        continue;
      }
      const cls = a.isEntity[i] ? 'entity' : a.isDescriptor[i] ? 'descriptor' : 'other';
      tot[cls]++;
      if (m.labels[i] !== IGNORE_INDEX) {
        hit[cls]++;
        if (m.labels[i] !== enc.ids[i] || m.inputIds[i] !== tok.specialIds.mask) inconsistent++;
      } else if (m.inputIds[i] !== enc.ids[i]) {
        inconsistent++;
      }
    }
  }
  expect(inconsistent).toBe(0);
  return { entity: hit.entity / tot.entity, descriptor: hit.descriptor / tot.descriptor, other: hit.other / tot.other, enc, a };
}

const withEntities = 'Small left pleural effusion with adjacent atelectasis. Lungs aerate well. There is no pneumothorax.';

describe('maskEntityAware', () => {
  it('paper mode: entities and descriptors 0.75, other words 0.70 (±1 %)', () => {
    const r = rates(withEntities, 'paper', 1);
    expect(Math.abs(r.entity - 0.75)).toBeLessThan(0.01);
    expect(Math.abs(r.descriptor - 0.75)).toBeLessThan(0.01);
    expect(Math.abs(r.other - 0.7)).toBeLessThan(0.01);
  });

  it('authors-code mode: descriptors take the ordinary 0.70 draw (±1 %)', () => {
    const r = rates(withEntities, 'authors-code', 2);
    expect(Math.abs(r.entity - 0.75)).toBeLessThan(0.01);
    expect(Math.abs(r.descriptor - 0.7)).toBeLessThan(0.01);
    expect(Math.abs(r.other - 0.7)).toBeLessThan(0.01);
  });

  it('reports without entities: every word 0.75 (±1 %)', () => {
    const r = rates('Lungs are clear. Heart size is normal. No acute disease.', 'paper', 3);
    expect(r.a.hasEntity).toBe(false);
    expect(Math.abs(r.other - 0.75)).toBeLessThan(0.01);
  });

  it('masks whole words: all pieces of a word share the decision', () => {
    const enc = tok.encode('lungs aerate. lungs hyperinflate.');
    const a = analyseTokens(enc, tok, lexicon, templates);
    const rng = testRng(4);
    for (let n = 0; n < 200; n++) {
      const m = maskEntityAware(enc.ids, a, rng, tok.specialIds.mask, 'paper');
      for (const w of a.words) {
        const masked = new Set<boolean>();
        for (let i = w.start; i < w.end; i++) masked.add(m.labels[i] !== IGNORE_INDEX);
        expect(masked.size).toBe(1);
      }
    }
  });

  it('is deterministic for a seed', () => {
    const enc = tok.encode(withEntities);
    const a = analyseTokens(enc, tok, lexicon, templates);
    const x = maskEntityAware(enc.ids, a, testRng(9), 3, 'paper');
    const y = maskEntityAware(enc.ids, a, testRng(9), 3, 'paper');
    expect(Array.from(x.inputIds)).toEqual(Array.from(y.inputIds));
  });
});

describe('maskRandom', () => {
  it('masks 15 % of maskable tokens, 80/10/10 (±1 %)', () => {
    const L = 200;
    const ids = Int32Array.from({ length: L }, (_, i) => 10 + (i % 90));
    const maskable = Array.from({ length: L }, (_, i) => (i === 0 || i >= 190 ? 0 : 1));
    const rng = testRng(5);
    let chosen = 0;
    let asMask = 0;
    let kept = 0;
    let total = 0;
    let bad = 0;
    for (let n = 0; n < 1000; n++) {
      const m = maskRandom(ids, maskable, rng, 3, 100, 5);
      for (let i = 0; i < L; i++) {
        if (!maskable[i]) {
          if (m.labels[i] !== IGNORE_INDEX) bad++;
          continue;
        }
        total++;
        if (m.labels[i] === IGNORE_INDEX) continue;
        chosen++;
        if (m.inputIds[i] === 3) asMask++;
        else if (m.inputIds[i] === ids[i]) kept++;
        else if (m.inputIds[i] < 5 || m.inputIds[i] >= 100) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(Math.abs(chosen / total - 0.15)).toBeLessThan(0.01);
    expect(Math.abs(asMask / chosen - 0.8)).toBeLessThan(0.01);
    // "kept" includes random draws that hit the original id (1/95 of the 10 %).
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.01);
  });

  it('rejects a vocabulary with no regular tokens', () => {
    expect(() => maskRandom(Int32Array.from([1]), [1], testRng(1), 3, 5, 5)).toThrow(/no regular tokens/);
  });
});
