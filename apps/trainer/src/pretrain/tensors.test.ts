import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { loadTokenizer, trainWordPiece } from '@ecamp/mlm';
import { loadConfig } from '../config/load.js';
import { FixedBatchSource } from './fixed-source.js';
import { disposeInputs, templateLexicon, toPretrainInputs } from './tensors.js';

const REPORT = 'No evidence of pneumothorax. There is no pleural effusion.';
const tokenizer = loadTokenizer(trainWordPiece([REPORT, REPORT], { vocabSize: 200, minFrequency: 1 }), { maxLength: 24 });

async function weightsOf(sets: string[]): Promise<{ weights: Float32Array; labels: Int32Array; real: number }> {
  const config = loadConfig('tiny', ['model.text.maxLength=24', 'data.batchSize=1', 'data.contextInsertProbability=0', ...sets]);
  const batch = await FixedBatchSource.random([REPORT], 1).next();
  const { inputs, stats } = toPretrainInputs(batch, config, tokenizer, new Rng(1));
  const out = { weights: inputs.text!.weights, labels: inputs.text!.labels, real: stats!.realTokens };
  disposeInputs(inputs);
  return out;
}

describe('toPretrainInputs (text)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it("objectives.mlm.templates: the authors' two templates, or our extended list", async () => {
    expect(templateLexicon('authors').templates).toEqual(['there is no evidence of', 'there is no']);
    expect(templateLexicon('extended').templates).toContain('no evidence of');
    // [CLS] no evidence of pneumothorax . there is no pleural effusion . → "no evidence of" is only in the extended list.
    const authors = await weightsOf(['objectives.balance=normalised', 'objectives.mlm.templates=authors']);
    const extended = await weightsOf(['objectives.balance=normalised', 'objectives.mlm.templates=extended']);
    expect(authors.weights[1]).toBe(1);
    expect(extended.weights[1]).toBeCloseTo(0.05, 6);
    expect(authors.weights[6]).toBeCloseTo(0.05, 6); // "there" of "there is no"
  });

  it('objectives.mlm.rebalance=false gives weight 1 to every real token; the authors balance labels every position', async () => {
    const plain = await weightsOf(['objectives.balance=normalised', 'objectives.mlm.rebalance=false']);
    expect(Array.from(plain.weights.slice(0, plain.real)).every((w) => w === 1)).toBe(true);
    expect(Array.from(plain.weights.slice(plain.real)).every((w) => w === 0)).toBe(true);
    expect(Array.from(plain.labels).some((l) => l < 0)).toBe(true);
    const before = tf.memory().numTensors;
    const authors = await weightsOf(['objectives.balance=authors']);
    expect(tf.memory().numTensors).toBe(before); // disposeInputs frees everything toPretrainInputs made
    expect(Array.from(authors.labels).every((l) => l >= 0)).toBe(true);
    expect(authors.weights[23]).toBe(1); // padding is weighted in the authors' loss
  });

  it('objectives.mlm.templateWeight and .probabilities reach the masking and the re-balanced factor', async () => {
    const heavy = await weightsOf(['objectives.balance=normalised', 'objectives.mlm.templates=extended', 'objectives.mlm.templateWeight=0.5']);
    expect(heavy.weights[1]).toBeCloseTo(0.5, 6); // "no" of "no evidence of"
    const never = await weightsOf([
      'objectives.balance=normalised',
      'objectives.mlm.probabilities.entity=0',
      'objectives.mlm.probabilities.other=0',
      'objectives.mlm.probabilities.noEntity=0',
    ]);
    expect(Array.from(never.labels).every((l) => l < 0)).toBe(true); // nothing masked, nothing labelled
    const always = await weightsOf(['objectives.balance=normalised', 'objectives.mlm.probabilities.entity=1', 'objectives.mlm.probabilities.other=1']);
    expect(Array.from(always.labels.slice(1, always.real)).every((l) => l >= 0)).toBe(true); // every real token but [CLS]
    expect(() => loadConfig('tiny', ['objectives.mlm.templateWeight=2'])).toThrow(/objectives\.mlm\.templateWeight/);
  });
});
