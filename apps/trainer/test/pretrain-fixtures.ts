/**
 * A pre-training model small enough for unit tests (encoder 32/1/2, MAE decoder 16/1/2, text
 * 16 wide with 2 heads, sequence 32, batch 2; centred SR windows so any objective can go off
 * alone), two reports and a WordPiece tokenizer trained on them; and the shrunk 64-px runs
 * of the resume tests.
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

/** `--set` overrides shrinking the tiny preset's ViT to encoder 32/1/2 and MAE decoder 16/1/2. */
export const TINY_VISION_SETS: readonly string[] = [
  'model.encoder.dim=32',
  'model.encoder.depth=1',
  'model.encoder.heads=2',
  'model.decoder.dim=16',
  'model.decoder.depth=1',
  'model.decoder.heads=2',
];

/** The tiny preset shrunk to unit-test size; `set` overrides as `--set` does. */
export function tinyPretrainConfig(...set: string[]): Config {
  return loadConfig('tiny', [
    'objectives.superres.window=center',
    ...TINY_VISION_SETS,
    'model.text.dim=16',
    'model.text.heads=2',
    'model.text.intermediate=32',
    'model.text.maxLength=32',
    'data.batchSize=2',
    ...set,
  ]);
}

/**
 * `--set` overrides of the tiny preset for the resume tests, which run `steps` steps into
 * `outDir`: a 64-px model (encoder and MAE decoder 32/1/2, text 32 wide, 14 synthetic images,
 * batch 2) small enough that a step takes ~0.1 s on the cpu backend, MIM + MLM (the SR head's
 * 448-px convolutions would take seconds per step on cpu), a checkpoint every 2 steps.
 */
export function resumeTestSets(outDir: string, steps: number): string[] {
  return [
    `outDir=${outDir}`,
    'data.syntheticCount=14',
    'data.batchSize=2',
    'objectives.superres.enabled=false',
    'model.imageSize=64',
    'model.encoder.dim=32',
    'model.encoder.depth=1',
    'model.encoder.heads=2',
    'model.decoder.dim=32',
    'model.decoder.depth=1',
    'model.decoder.heads=2',
    'model.text.dim=32',
    'model.text.layers=2',
    'model.text.heads=2',
    'model.text.intermediate=64',
    'model.text.maxLength=32',
    'tokenizer.vocabSize=200',
    `optim.steps=${steps}`,
    'optim.warmupSteps=1',
    'log.checkpointEvery=2',
    'log.pictureEvery=1000',
  ];
}

/**
 * `--set` overrides of the tiny preset for a whole `runAll` in a test, named `name` in `outDir`:
 * 14 synthetic images, batch 2, one warm-up step, MAE decoder depth 1, a 300-id tokenizer and
 * 2 evaluation epochs of batch 4. Callers add the steps and what else they need.
 */
export function shrunkRunSets(outDir: string, name: string): string[] {
  return [
    `outDir=${JSON.stringify(outDir)}`,
    `name=${name}`,
    'data.syntheticCount=14',
    'data.batchSize=2',
    'optim.warmupSteps=1',
    'model.decoder.depth=1',
    'tokenizer.vocabSize=300',
    'evaluate.epochs=2',
    'evaluate.batchSize=4',
  ];
}
