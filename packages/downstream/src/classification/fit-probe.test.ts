import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { extractPooledFeatures } from './features.js';
import { evaluatePooledFeatures, fitLinearProbe } from './fit-probe.js';
import { ClassificationHead } from './head.js';
import { TinyEncoder } from '../../test/helpers/tiny-encoder.js';
import { syntheticBatches } from '../../test/helpers/synthetic.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('fitLinearProbe on cached features', () => {
  it('learns the separable problem from features extracted once, leak-free, deterministic', async () => {
    const encoder = new TinyEncoder(2, 4, 16, 1, 3);
    const train = await extractPooledFeatures({ encoder, batches: syntheticBatches(new Rng(1), 8, 16, 8, 'multi-label'), task: 'multi-label', numClasses: 2 });
    const test = await extractPooledFeatures({ encoder, batches: syntheticBatches(new Rng(2), 4, 16, 8, 'multi-label'), task: 'multi-label', numClasses: 2 });
    const run = async () => {
      const head = new ClassificationHead(16, 2, { rng: new Rng(4) });
      const memory: number[] = [];
      const fit = await fitLinearProbe({
        head,
        data: train,
        task: 'multi-label',
        epochs: 6,
        batchSize: 32,
        optimiser: { lr: 3e-2, weightDecay: 0 },
        rng: new Rng(5),
        onProgress: () => memory.push(tf.memory().numTensors),
      });
      const evaluation = evaluatePooledFeatures(head, test, 'multi-label');
      fit.dispose();
      head.dispose();
      return { fit, memory, evaluation };
    };
    const a = await run();
    expect(a.fit.steps).toBe(6 * 4);
    expect(new Set(a.memory.slice(1)).size).toBe(1);
    expect(a.evaluation.count).toBe(64);
    expect(a.evaluation.auroc).toBeGreaterThan(0.9);
    expect((await run()).fit.losses).toEqual(a.fit.losses);
    encoder.dispose();
  });

  it('calls onEpochEnd after every epoch and stops when it says so', async () => {
    const head = new ClassificationHead(2, 2, { numPrefixTokens: 0 });
    const data = {
      features: Float32Array.from({ length: 20 }, (_, i) => i % 3),
      labels: Float32Array.from({ length: 20 }, (_, i) => i % 2),
      count: 10,
      dim: 2,
    };
    const seen: number[] = [];
    const fit = await fitLinearProbe({
      head,
      data,
      task: 'multi-label',
      epochs: 5,
      batchSize: 4,
      optimiser: { lr: 1e-2 },
      rng: new Rng(1),
      onEpochEnd: (epoch) => {
        seen.push(epoch);
        return epoch === 1 ? 'stop' : undefined;
      },
    });
    expect(seen).toEqual([0, 1]);
    expect(fit.epochsRun).toBe(2);
    expect(fit.steps).toBe(2 * 3);
    fit.dispose();
    head.dispose();
  });

  it('rejects a head of the wrong width and a bad batch size', async () => {
    const head = new ClassificationHead(4, 2);
    const data = { features: new Float32Array(6), labels: new Float32Array(4), count: 2, dim: 3 };
    const base = { head, data, task: 'multi-label' as const, epochs: 1, optimiser: { lr: 1e-3 }, rng: new Rng(0) };
    await expect(fitLinearProbe({ ...base, batchSize: 2 })).rejects.toThrow(/width 3, the head expects 4/);
    await expect(fitLinearProbe({ ...base, batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    expect(() => evaluatePooledFeatures(head, data, 'multi-label')).toThrow(/width 3, the head expects 4/);
    head.dispose();
  });

  it('featureNorm head: recovers a label signal that is tiny next to a shared feature component, with fc_norm frozen', async () => {
    // The situation of a frozen ViT's pooled tokens: a large common vector plus a small
    // image-dependent part (here 1 % of it carries label 0, the rest is noise).
    const rng = new Rng(11);
    const dim = 16;
    const common = Array.from({ length: dim }, () => rng.normal(0, 1));
    const make = (count: number) => {
      const features = new Float32Array(count * dim);
      const labels = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        labels[i] = rng.uniform() < 0.3 ? 1 : 0;
        for (let k = 0; k < dim; k++) features[i * dim + k] = common[k] + 0.01 * (rng.normal(0, 1) + (k < 4 ? 2 * labels[i] : 0));
      }
      return { features, labels, count, dim };
    };
    const train = make(256);
    const test = make(256);
    const fit = async (featureNorm: boolean) => {
      const head = new ClassificationHead(dim, 1, { numPrefixTokens: 0, featureNorm, rng: new Rng(1) });
      const normBefore = Array.from(head.fcNorm.weight.dataSync());
      const r = await fitLinearProbe({
        head,
        data: train,
        task: 'multi-label',
        epochs: 5,
        batchSize: 32,
        optimiser: { lr: 1e-2, weightDecay: 0 },
        rng: new Rng(2),
      });
      const auroc = evaluatePooledFeatures(head, test, 'multi-label').auroc;
      const normAfter = Array.from(head.fcNorm.weight.dataSync());
      const z = tf.tidy(
        () =>
          head
            .normalise(tf.tensor2d(train.features, [train.count, dim]))
            .mean(0)
            .abs()
            .max()
            .dataSync()[0],
      );
      r.dispose();
      head.dispose();
      return { auroc, normMoved: normAfter.some((v, i) => v !== normBefore[i]), z };
    };
    const standardised = await fit(true);
    const plain = await fit(false);
    expect(standardised.auroc).toBeGreaterThan(0.95);
    expect(standardised.normMoved).toBe(false);
    expect(standardised.z).toBeLessThan(1e-3); // the training rows are centred where the classifier sees them
    expect(plain.normMoved).toBe(true);
    expect(plain.auroc).toBeLessThan(standardised.auroc - 0.1);
  });
});
