/**
 * A pre-training model small enough for unit tests (encoder 32/1/2, MAE decoder 16/1/2, text
 * 16 wide with 2 heads, sequence 32, batch 2; centred SR windows so any objective can go off
 * alone), two reports and a WordPiece tokenizer trained on them.
 */
import { loadTokenizer, trainWordPiece } from '@ecamp/mlm';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';

export const TEST_REPORTS = [
  'There is a small left pleural effusion. There is no pneumothorax. Heart size is normal.',
  'Moderate cardiomegaly. There is no evidence of pneumonia. Right basilar opacity.',
];

/** A 100-id tokenizer of {@link TEST_REPORTS} (sequence 32). */
export const testTokenizer = loadTokenizer(trainWordPiece(TEST_REPORTS.concat(TEST_REPORTS), { vocabSize: 100, minFrequency: 1 }), { maxLength: 32 });

/** The tiny preset shrunk to unit-test size; `set` overrides as `--set` does. */
export function tinyPretrainConfig(...set: string[]): Config {
  return loadConfig('tiny', [
    'objectives.superres.window=center',
    'model.encoder.dim=32',
    'model.encoder.depth=1',
    'model.encoder.heads=2',
    'model.decoder.dim=16',
    'model.decoder.depth=1',
    'model.decoder.heads=2',
    'model.text.dim=16',
    'model.text.heads=2',
    'model.text.intermediate=32',
    'model.text.maxLength=32',
    'data.batchSize=2',
    ...set,
  ]);
}
