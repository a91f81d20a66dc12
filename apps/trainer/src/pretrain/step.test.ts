import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { WindowSelector } from '@ecamp/superres';
import { maskingFromNoise } from '@ecamp/vision';
import { TEST_REPORTS, testTokenizer, tinyPretrainConfig } from '../../test/pretrain-fixtures.js';
import { FixedBatchSource } from './fixed-source.js';
import { EcampPretrainModel } from './model.js';
import { AUTHORS_SR_SCALE, pretrainLoss, type LossParts } from './step.js';
import { disposeInputs, toPretrainInputs } from './tensors.js';

const REPORTS = TEST_REPORTS;
const tokenizer = testTokenizer;

function config(balance: 'authors' | 'normalised') {
  return tinyPretrainConfig(`objectives.balance=${balance}`);
}

describe('pretrainLoss balance', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('authors: MIM × the masked share, SR × (384/448)², MLM = Σ w·CE over every position / (B·L)', async () => {
    const batch = await FixedBatchSource.random(REPORTS, 2, 3).next();
    const noise = Array.from({ length: 2 * 196 }, (_, i) => ((i * 7919) % 392) / 392);
    const masking = maskingFromNoise(noise, 2, 196, 0.75);
    const model = new EcampPretrainModel(config('normalised'), tokenizer.vocabSize);
    model.eval(); // no dropout: both passes see the same function
    const run = (balance: 'authors' | 'normalised') => {
      const c = config(balance);
      const { inputs } = toPretrainInputs(batch, c, tokenizer, new Rng(9));
      const before = tf.memory().numTensors;
      let parts: LossParts = { total: Number.NaN };
      tf.tidy(() => {
        parts = pretrainLoss(model, inputs, c, masking, new WindowSelector()).parts;
      });
      expect(tf.memory().numTensors).toBe(before);
      return { parts, inputs };
    };
    const norm = run('normalised');
    const auth = run('authors');
    expect(auth.parts.mim! / norm.parts.mim!).toBeCloseTo(147 / 196, 5);
    expect(AUTHORS_SR_SCALE).toBeCloseTo((384 / 448) ** 2, 12);
    expect(auth.parts.superres! / norm.parts.superres!).toBeCloseTo(AUTHORS_SR_SCALE, 5);

    // The authors' labels: the original id everywhere; the same [MASK] positions as the normalised inputs.
    const text = auth.inputs.text!;
    expect(Array.from(text.inputIds.dataSync())).toEqual(Array.from(norm.inputs.text!.inputIds.dataSync()));
    expect(Array.from(text.labels).every((l) => l >= 0)).toBe(true);
    // Their MLM value by hand from the full logits.
    const manual = tf.tidy(() => {
      const enc = model.mae.forwardEncoder(auth.inputs.image224, 0.75, masking);
      const out = model.text!.forward({
        inputIds: text.inputIds,
        attentionMask: text.attentionMask,
        image: model.imageForText(enc.latent),
        returnLogits: true,
      });
      const [b, l, v] = out.logits!.shape;
      const logp = tf.logSoftmax(tf.reshape(out.logits!, [b * l, v]));
      const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(text.labels, 'int32'), v)), 1);
      return -tf.sum(tf.mul(picked, tf.tensor1d(text.weights))).dataSync()[0] / (b * l);
    });
    expect(auth.parts.mlm!).toBeCloseTo(manual, 4);
    disposeInputs(auth.inputs);
    disposeInputs(norm.inputs);
    model.dispose();
  });
});

describe('objectives.mlm.imageView', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('full: the text decoder reads an unmasked pass over every patch; MIM keeps its masked pass', async () => {
    const batch = await FixedBatchSource.random(REPORTS, 2, 5).next();
    const noise = Array.from({ length: 2 * 196 }, (_, i) => ((i * 7919) % 392) / 392);
    const masked = tinyPretrainConfig('objectives.balance=normalised', 'objectives.superres.window=online');
    const full = tinyPretrainConfig('objectives.balance=normalised', 'objectives.superres.window=online', 'objectives.mlm.imageView=full');
    const model = new EcampPretrainModel(masked, tokenizer.vocabSize);
    model.eval();
    const { inputs } = toPretrainInputs(batch, full, tokenizer, new Rng(3));
    const before = tf.memory().numTensors;
    const parts = (c: typeof full) => tf.tidy(() => pretrainLoss(model, inputs, c, maskingFromNoise(noise, 2, 196, 0.75), new WindowSelector()).parts);
    const a = parts(masked);
    const b = parts(full);
    expect(tf.memory().numTensors).toBe(before);
    expect(b.mim).toBe(a.mim);
    expect(b.mlm).not.toBeCloseTo(a.mlm!, 6);
    const text = inputs.text!;
    const manual = tf.tidy(() => {
      const all = model.mae.forwardEncoder(
        inputs.image224,
        0,
        maskingFromNoise(
          Array.from({ length: 2 * 196 }, (_, k) => (k % 196) / 196),
          2,
          196,
          0,
        ),
      );
      return model.text!.loss({ ...text, image: model.imageForText(all.latent) }).loss.dataSync()[0];
    });
    expect(b.mlm!).toBeCloseTo(manual, 5);
    disposeInputs(inputs);
    model.dispose();
  });
});
