import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { TEST_REPORTS, testTokenizer, tinyPretrainConfig } from '../../test/pretrain-fixtures.js';
import { FixedBatchSource } from '../pretrain/fixed-source.js';
import { EcampPretrainModel } from '../pretrain/model.js';
import { mlmImageReliance } from './image-reliance.js';

const REPORTS = TEST_REPORTS;
const tokenizer = testTokenizer;
const config = tinyPretrainConfig;

describe('mlmImageReliance', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is 0 exactly when every image of the batch is the same, and not when they differ; no tensor left behind', async () => {
    const c = config();
    const model = new EcampPretrainModel(c, tokenizer.vocabSize);
    const distinct = FixedBatchSource.random(REPORTS, 2, 1);
    const one = (await FixedBatchSource.random(REPORTS.slice(0, 1), 1, 1).next()).view448;
    const same = new FixedBatchSource(
      REPORTS.map((report, n) => ({ id: `same-${n}`, report, view448: one })),
      2,
    );
    const before = tf.memory().numTensors;
    const a = await mlmImageReliance(model, tokenizer, c, same, 2);
    const b = await mlmImageReliance(model, tokenizer, c, distinct, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.matched).toBeGreaterThan(0);
    expect(a.gap).toBe(0);
    expect(b.gap).not.toBe(0);
    expect(Math.abs(b.gap)).toBeLessThan(b.matched);
    for (const r of [a, b]) {
      expect(r.batches).toBe(2);
      expect(r.encoderGradMim).toBeGreaterThan(0);
      expect(r.encoderGradMlm).toBeGreaterThan(0);
    }
    expect(model.training).toBe(true); // restored
    model.dispose();
  });

  it('without a text image path the MLM term has no encoder gradient (fusion none)', async () => {
    const c = config('model.fusion=none', 'objectives.superres.window=center');
    const model = new EcampPretrainModel(c, tokenizer.vocabSize);
    const r = await mlmImageReliance(model, tokenizer, c, FixedBatchSource.random(REPORTS, 2, 1), 1);
    expect(r.gap).toBe(0);
    expect(r.encoderGradMlm).toBe(0);
    expect(r.encoderGradMim).toBeGreaterThan(0);
    model.dispose();
  });

  it('refuses a run without the MLM objective, and a batch count below 1', async () => {
    const c = config('objectives.mlm.enabled=false', 'objectives.superres.window=center');
    const model = new EcampPretrainModel(c, tokenizer.vocabSize);
    await expect(mlmImageReliance(model, tokenizer, c, FixedBatchSource.random(REPORTS, 2), 1)).rejects.toThrow(/no MLM objective/);
    const withText = config();
    const m2 = new EcampPretrainModel(withText, tokenizer.vocabSize);
    await expect(mlmImageReliance(m2, tokenizer, withText, FixedBatchSource.random(REPORTS, 2), 0)).rejects.toThrow(/batches must be ≥ 1/);
    model.dispose();
    m2.dispose();
  });
});
