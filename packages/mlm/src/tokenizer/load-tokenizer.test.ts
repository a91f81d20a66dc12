import { describe, expect, it } from 'vitest';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { loadTokenizer } from './load-tokenizer.js';
import { trainWordPiece } from './train-wordpiece.js';

const AUTHORS = 'tokenizers/mimic_wordpiece.json';
const hasAuthors = !skipWithoutSharedData(AUTHORS, "the authors' tokenizer tests");

describe.runIf(hasAuthors)("loadTokenizer on the authors' mimic_wordpiece.json", () => {
  const tok = hasAuthors ? loadTokenizer(sharedDataPath(AUTHORS)!, { maxLength: 16 }) : null!;

  it('reproduces the documented ids', () => {
    const p = tok.pieces('there is no evidence of pneumothorax.');
    expect(p.ids).toEqual([219, 149, 152, 422, 158, 258, 16]);
    expect(tok.specialIds).toEqual({ pad: 0, unk: 1, cls: 2, mask: 3, sep: 4 });
    expect(tok.tokenToId('.')).toBe(16);
    expect(tok.vocabSize).toBe(30000);
  });

  it('prefixes [CLS], pads to maxLength and sets the attention mask', () => {
    const e = tok.encode('There is no evidence of pneumothorax.');
    expect(Array.from(e.ids)).toEqual([2, 219, 149, 152, 422, 158, 258, 16, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(e.length).toBe(8);
    expect(e.truncated).toBe(false);
    expect(Array.from(e.wordIds.slice(0, 9))).toEqual([-1, 0, 1, 2, 3, 4, 5, 6, -1]);
  });

  it('groups ## pieces into one word', () => {
    const e = tok.encode('lungs aerate well');
    // "aerate" is two pieces in this vocabulary (aer ##ate): they share a word id.
    expect(e.tokens.slice(0, 5)).toEqual(['[CLS]', 'lungs', 'aer', '##ate', 'well']);
    expect(Array.from(e.wordIds.slice(0, 5))).toEqual([-1, 0, 1, 1, 2]);
  });

  it('truncates long text to maxLength and keeps [CLS]', () => {
    const e = tok.encode('no effusion. '.repeat(20));
    expect(e.ids.length).toBe(16);
    expect(e.ids[0]).toBe(2);
    expect(e.length).toBe(16);
    expect(e.truncated).toBe(true);
    expect(Array.from(e.attentionMask).every((m) => m === 1)).toBe(true);
  });

  it('can leave out [CLS] and override the length', () => {
    const e = tok.encode('no effusion', { addCls: false, maxLength: 4 });
    expect(Array.from(e.ids)).toEqual([tok.tokenToId('no'), tok.tokenToId('effusion'), 0, 0]);
  });
});

describe('loadTokenizer errors and generic use', () => {
  it('names the file it cannot read', () => {
    expect(() => loadTokenizer('/nonexistent/tok.json')).toThrow(/\/nonexistent\/tok\.json/);
  });

  it('rejects an object without a model and a tokenizer without [MASK]', () => {
    expect(() => loadTokenizer({} as never)).toThrow(/model/);
    const json = trainWordPiece(['a b'], { vocabSize: 20, specialTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] });
    expect(() => loadTokenizer(json)).toThrow(/\[MASK\].*specialTokens\.mask/);
  });

  it("takes the row length from the option, else the file's truncation, else 256", () => {
    const json = trainWordPiece(['no effusion'], { vocabSize: 30, minFrequency: 1 });
    expect(loadTokenizer(json).maxLength).toBe(256);
    expect(loadTokenizer({ ...json, truncation: { max_length: 64 } }).maxLength).toBe(64);
    expect(loadTokenizer({ ...json, truncation: { max_length: 64 } }, { maxLength: 32 }).maxLength).toBe(32);
    expect(() => loadTokenizer(json, { maxLength: 1 })).toThrow(/maxLength/);
  });

  it('treats special tokens written in the text as non-words', () => {
    const tok = loadTokenizer(trainWordPiece(['no effusion', 'no effusion'], { vocabSize: 40, minFrequency: 1 }), {
      maxLength: 6,
    });
    const e = tok.encode('no [MASK] effusion');
    expect(e.ids[2]).toBe(tok.specialIds.mask);
    expect(e.wordIds[2]).toBe(-1);
    expect(e.wordIds[1]).not.toBe(e.wordIds[3]);
  });
});
