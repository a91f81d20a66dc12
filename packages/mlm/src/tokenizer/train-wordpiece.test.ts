import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { trainWordPiece, DEFAULT_SPECIAL_TOKENS } from './train-wordpiece.js';
import { loadTokenizer } from './load-tokenizer.js';
import { saveTokenizer } from './save-tokenizer.js';
import { BadSampleLog, readIuXrayReports } from '@ecamp/data';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const corpus = [
  'There is no pneumothorax or pleural effusion.',
  'Small left pleural effusion. No pneumothorax.',
  'Mild cardiomegaly. Bibasilar atelectasis, unchanged since 2019.',
  'The cardiomediastinal silhouette is normal. Lungs are clear.',
  'Moderate right pleural effusions with adjacent atelectasis.',
  'Résumé: no acute cardiopulmonary process!',
];

describe('trainWordPiece', () => {
  const json = trainWordPiece(corpus, { vocabSize: 150, minFrequency: 2 });
  const vocab = json.model.vocab as Record<string, number>;

  it("puts the special tokens first in the authors' order", () => {
    DEFAULT_SPECIAL_TOKENS.forEach((t, i) => expect(vocab[t]).toBe(i));
    expect(json.added_tokens!.map((t) => t.content)).toEqual([...DEFAULT_SPECIAL_TOKENS]);
  });

  it('learns frequent words as single tokens and keeps the vocabulary size bound', () => {
    expect(Object.keys(vocab).length).toBeLessThanOrEqual(150);
    expect(vocab['effusion']).toBeDefined();
    expect(vocab['pneumothorax']).toBeDefined();
    // Ids are 0..n-1 without gaps.
    const ids = Object.values(vocab).sort((a, b) => a - b);
    expect(ids).toEqual(ids.map((_, i) => i));
  });

  it('loads back in @huggingface/tokenizers and splits rare words into ## pieces without [UNK]', () => {
    const tok = new Tokenizer(json, {});
    const enc = tok.encode('Pleural effusions, unchanged.');
    expect(enc.tokens).toContain('pleural');
    expect(enc.ids).not.toContain(1);
    expect(enc.tokens.some((t: string) => t.startsWith('##'))).toBe(true);
    // Accents are stripped and text lowercased by the BERT normaliser.
    expect(tok.encode('RÉSUMÉ').tokens.join(' ')).toBe(tok.encode('resume').tokens.join(' '));
    expect(tok.decode(tok.encode('small left pleural effusion.').ids)).toBe('small left pleural effusion.');
  });

  it('is deterministic and respects minFrequency', () => {
    expect(trainWordPiece(corpus, { vocabSize: 150, minFrequency: 2 })).toEqual(json);
    const strict = trainWordPiece(corpus, { vocabSize: 150, minFrequency: 1000 });
    const strictVocab = strict.model.vocab as Record<string, number>;
    // With no merge allowed the vocabulary is the specials plus the alphabet only.
    expect(Object.keys(strictVocab).every((t) => DEFAULT_SPECIAL_TOKENS.includes(t) || t.replace('##', '').length === 1)).toBe(true);
  });

  it('gives a tokenizer usable by loadTokenizer', () => {
    const tok = loadTokenizer(json, { maxLength: 12 });
    const e = tok.encode('no pneumothorax.');
    expect(e.ids[0]).toBe(tok.specialIds.cls);
    expect(e.tokens.slice(1, 4)).toEqual(['no', 'pneumothorax', '.']);
  });

  it('rejects a vocabulary too small for the special tokens and non-string corpus items', () => {
    expect(() => trainWordPiece(corpus, { vocabSize: 3 })).toThrow(/vocabSize/);
    expect(() => trainWordPiece(['ok', 5 as unknown as string], { vocabSize: 50 })).toThrow(/item 2/);
  });
});

const CSV = 'iu-xray/reports-dev.csv';
describe.runIf(!skipWithoutSharedData(CSV, 'training a WordPiece vocabulary on real reports'))('trainWordPiece on the IU X-ray reports', () => {
  it('builds a vocabulary that encodes every report without [UNK] and survives a save/load round trip', () => {
    const reports = readIuXrayReports(sharedDataPath(CSV)!, { badSamples: new BadSampleLog('skip', () => {}) }).map((r) => r.text);
    const t0 = performance.now();
    const json = trainWordPiece(reports, { vocabSize: 2000, minFrequency: 2 });
    console.log(`[iu-xray] WordPiece 2000 trained on ${reports.length} reports in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(Object.keys(json.model.vocab as object).length).toBe(2000);
    const dir = mkdtempSync(join(tmpdir(), 'mlm-wp-'));
    saveTokenizer(join(dir, 'tokenizer.json'), json);
    const a = loadTokenizer(json, { maxLength: 256 });
    const b = loadTokenizer(join(dir, 'tokenizer.json'), { maxLength: 256 });
    let unk = 0;
    let differ = 0;
    for (const r of reports) {
      const ea = a.pieces(r);
      if (ea.ids.includes(a.specialIds.unk)) unk++;
      if (b.pieces(r).ids.join() !== ea.ids.join()) differ++;
    }
    expect(unk).toBe(0);
    expect(differ).toBe(0);
    // Frequent report words are whole tokens.
    for (const w of ['pneumothorax', 'effusion', 'cardiomediastinal']) expect(a.pieces(w).ids).toHaveLength(1);
  });
});
