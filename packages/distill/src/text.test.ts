import { describe, expect, it } from 'vitest';
import { PhraseMatcher, tokenize } from './text.js';

describe('tokenize', () => {
  it('keeps hyphenated words and punctuation', () => {
    expect(tokenize('Left-sided effusion, small.').map((t) => t.text)).toEqual(['left-sided', 'effusion', ',', 'small']);
  });
});

describe('PhraseMatcher', () => {
  const m = new PhraseMatcher<string>([
    ['no', 'neg'],
    ['no evidence of', 'neg-long'],
    ['effusion', 'entity'],
  ]);
  it('prefers the longest phrase and matches whole words only', () => {
    const hits = m.findAll(tokenize('No evidence of effusions or effusion; no'));
    expect(hits.map((h) => [h.start, h.end, h.value])).toEqual([
      [0, 3, 'neg-long'],
      [5, 6, 'entity'],
      [7, 8, 'neg'],
    ]);
  });
});
