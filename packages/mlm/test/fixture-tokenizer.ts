/**
 * A small WordPiece tokenizer trained on hand-written chest X-ray sentences, so that
 * masking tests run without the shared data. "aerate" and "hyperinflate" occur too
 * rarely to become single tokens: they stay split into pieces (whole-word tests).
 */
import { loadTokenizer, type MlmTokenizer } from '../src/tokenizer/load-tokenizer.js';
import { trainWordPiece } from '../src/tokenizer/train-wordpiece.js';

export const FIXTURE_CORPUS: string[] = [
  ...Array(20).fill('There is no pleural effusion. There is no pneumothorax.'),
  ...Array(20).fill('Small left pleural effusion with adjacent atelectasis.'),
  ...Array(20).fill('There is no evidence of focal consolidation or pneumothorax.'),
  ...Array(20).fill('Mild cardiomegaly. The cardiomediastinal silhouette is stable.'),
  ...Array(20).fill('Lungs are clear. Heart size is normal. No acute disease.'),
  'The lungs aerate well. Lungs hyperinflate.',
];

let cached: MlmTokenizer | null = null;

/** The fixture tokenizer with maxLength 32. */
export function fixtureTokenizer(): MlmTokenizer {
  if (!cached) cached = loadTokenizer(trainWordPiece(FIXTURE_CORPUS, { vocabSize: 120, minFrequency: 5 }), { maxLength: 32 });
  return cached;
}
