import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveTokenizer } from './save-tokenizer.js';
import { trainWordPiece } from './train-wordpiece.js';
import { loadTokenizer } from './load-tokenizer.js';

describe('saveTokenizer', () => {
  it('writes a file that loads back to the same object and encodings, leaving no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-tok-'));
    const json = trainWordPiece(['no pleural effusion.', 'small pleural effusion.'], { vocabSize: 60, minFrequency: 1 });
    const path = join(dir, 'sub', 'tokenizer.json');
    saveTokenizer(path, json);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(json);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['tokenizer.json']);
    const a = loadTokenizer(json, { maxLength: 10 }).encode('small effusion.');
    const b = loadTokenizer(path, { maxLength: 10 }).encode('small effusion.');
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
  });

  it('refuses an object that is not a tokenizer', () => {
    expect(() => saveTokenizer('/tmp/x.json', {} as never)).toThrow(/x\.json/);
  });
});
