import { describe, expect, it } from 'vitest';
import { closeSentence, splitSentences } from './sentences.js';

describe('splitSentences', () => {
  it('splits on sentence punctuation followed by space, end or a letter', () => {
    expect(splitSentences('No effusion. Heart normal!Lungs clear? ok')).toEqual(['No effusion.', 'Heart normal!', 'Lungs clear?', 'ok']);
    expect(splitSentences('left lung apex.There are streaky opacities.')).toEqual(['left lung apex.', 'There are streaky opacities.']);
  });

  it('keeps decimals and collapses runs of punctuation', () => {
    expect(splitSentences('A 3.5 cm nodule... Stable.')).toEqual(['A 3.5 cm nodule...', 'Stable.']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('   ')).toEqual([]);
  });

  it("splits the rule distiller's cases: missing spaces, line breaks after an end, not decimals", () => {
    expect(splitSentences('No effusion. A 2.5 cm nodule.There is XXXX.\nClear lungs')).toEqual([
      'No effusion.',
      'A 2.5 cm nodule.',
      'There is XXXX.',
      'Clear lungs',
    ]);
  });
});

describe('closeSentence', () => {
  it('adds a full stop only when missing', () => {
    expect(closeSentence(' small effusion ')).toBe('small effusion.');
    expect(closeSentence('small effusion?')).toBe('small effusion?');
    expect(closeSentence('')).toBe('');
  });
});
