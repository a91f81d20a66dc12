import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import {
  fitClassifier,
  trainableParameters,
  type ClassificationProtocol,
  type ClassifierProgress,
  type FitClassifierOptions,
  type FitClassifierResult,
} from './fit.js';
import type { ClassificationTask } from './task.js';
import { GroupedAdamW } from '../training/layer-decay.js';
import { evaluateClassification } from './evaluate.js';
import { ClassificationHead } from './head.js';
import { TinyEncoder } from '../../test/helpers/tiny-encoder.js';
import { syntheticBatches } from '../../test/helpers/synthetic.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function snapshot(enc: TinyEncoder): Float32Array[] {
  return enc.namedParameters().map((p) => p.variable.dataSync().slice() as Float32Array);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Fits `head` (and, fine-tuning, `encoder`), runs `check` on the result, then frees the result, encoder and head. */
async function fitAndCheck(
  encoder: TinyEncoder,
  head: ClassificationHead,
  options: Omit<FitClassifierOptions, 'encoder' | 'head'>,
  check: (result: FitClassifierResult) => void | Promise<void>,
): Promise<void> {
  const result = await fitClassifier({ encoder, head, ...options });
  try {
    await check(result);
  } finally {
    result.dispose();
    encoder.dispose();
    head.dispose();
  }
}

/** A synthetic problem (see {@link syntheticBatches}): `epochs` epochs of `count` batches of `batch` 8×8 images, streams seeded by `seed`. */
function syntheticProblem(task: ClassificationTask, protocol: ClassificationProtocol, epochs: number, count: number, batch: number, seed: number) {
  return { task, protocol, epochs, batches: (_epoch: number, rng: Rng) => syntheticBatches(rng, count, batch, 8, task), rng: new Rng(seed) };
}

/** The multi-class fine-tuning set-up of two tests: a 3-class head, 2 epochs of 8 batches of 12 images. */
function multiClassFinetune() {
  return {
    encoder: new TinyEncoder(2, 4, 16, 1, 7),
    head: new ClassificationHead(16, 3, { rng: new Rng(8) }),
    problem: syntheticProblem('multi-class', 'finetune', 2, 8, 12, 9),
  };
}

/** Scores a multi-class head on 4 held-out batches of 12. */
function evaluateMultiClass(encoder: TinyEncoder, head: ClassificationHead) {
  return evaluateClassification({ encoder, head, task: 'multi-class', batches: syntheticBatches(new Rng(98), 4, 12, 8, 'multi-class') });
}

describe('fitClassifier', () => {
  it('linear probe learns a separable problem (AUROC ≫ 0.5) and leaves the encoder untouched', async () => {
    const encoder = new TinyEncoder(2, 4, 16, 1, 3);
    const head = new ClassificationHead(16, 2, { rng: new Rng(4) });
    const before = snapshot(encoder);
    const memory: number[] = [];
    const progress: number[] = [];
    const options = {
      ...syntheticProblem('multi-label', 'linear-probe', 3, 10, 16, 5),
      optimiser: { lr: 3e-2, weightDecay: 0 },
      onProgress: (p: ClassifierProgress) => {
        memory.push(tf.memory().numTensors);
        progress.push(p.step);
      },
    };
    await fitAndCheck(encoder, head, options, async (result) => {
      expect(result.steps).toBe(30);
      expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i));
      // the first step allocates the AdamW moments; afterwards every step is leak-free
      expect(new Set(memory.slice(1)).size).toBe(1);
      snapshot(encoder).forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(before[i])));
      expect(result.optimiser.params.map((p) => p.name)).toEqual(['fc_norm.weight', 'fc_norm.bias', 'head.weight', 'head.bias']);

      const evaluation = await evaluateClassification({
        encoder,
        head,
        task: 'multi-label',
        batches: syntheticBatches(new Rng(99), 4, 16, 8, 'multi-label'),
      });
      expect(evaluation.count).toBe(64);
      expect(evaluation.perLabelAuroc).toHaveLength(2);
      expect(evaluation.auroc).toBeGreaterThan(0.9);
      expect(mean(result.losses.slice(-5))).toBeLessThan(mean(result.losses.slice(0, 5)));
    });
  });

  it('fine-tuning updates the encoder and learns a multi-class problem, leak-free', async () => {
    const { encoder, head, problem } = multiClassFinetune();
    const before = snapshot(encoder);
    const memory: number[] = [];
    const options = {
      ...problem,
      optimiser: { lr: 1e-2, warmupSteps: 2, stepsPerEpoch: 8, maxGradNorm: 5 },
      onProgress: () => memory.push(tf.memory().numTensors),
    };
    await fitAndCheck(encoder, head, options, async (result) => {
      expect(result.steps).toBe(16);
      expect(new Set(memory.slice(1)).size).toBe(1);
      const after = snapshot(encoder);
      expect(after.some((v, i) => v.some((x, k) => x !== before[i][k]))).toBe(true);
      expect(result.optimiser.params.some((p) => p.name === 'encoder.blocks.0.attn.qkv.weight')).toBe(true);
      const tensorsBefore = tf.memory().numTensors;
      const evaluation = await evaluateMultiClass(encoder, head);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(evaluation.accuracy).toBeGreaterThan(0.6); // chance is 1/3
      expect(evaluation.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(48);
    });
  });

  it('fine-tunes with the authors’ recipe: SGD with momentum under their warm-up cosine, gradients clipped at 1', async () => {
    const { encoder, head, problem } = multiClassFinetune();
    const lrs: number[] = [];
    const memory: number[] = [];
    const options = {
      ...problem,
      optimiser: { kind: 'sgd', momentum: 0.9, weightDecay: 0, lr: 3e-2, schedule: 'authors', warmupSteps: 2, stepsPerEpoch: 8, maxGradNorm: 1 },
      onProgress: (p: ClassifierProgress) => (lrs.push(p.lr), memory.push(tf.memory().numTensors)),
    } satisfies Omit<FitClassifierOptions, 'encoder' | 'head'>;
    await fitAndCheck(encoder, head, options, async (result) => {
      expect(result.optimiser.constructor.name).toBe('Sgd');
      expect(lrs[0]).toBeCloseTo(1.5e-2, 12); // λ(1) = 1/2 of the warm-up
      expect(lrs[15]).toBe(0); // the horizon: 2 epochs × 8 steps
      expect(new Set(memory.slice(1)).size).toBe(1);
      const evaluation = await evaluateMultiClass(encoder, head);
      expect(evaluation.accuracy).toBeGreaterThan(0.6); // chance is 1/3
    });
  });

  it('fine-tunes with layer-wise learning-rate decay: deeper-from-head parameters move less', async () => {
    const encoder = new TinyEncoder(2, 4, 8, 2, 1);
    const head = new ClassificationHead(8, 2, { rng: new Rng(2) });
    const start = new Map([...encoder.namedParameters(), ...head.namedParameters()].map((p) => [p.name, p.variable.dataSync().slice()]));
    const options = { ...syntheticProblem('multi-label', 'finetune', 1, 1, 4, 3), layerDecay: 0.1, optimiser: { lr: 1e-2, weightDecay: 0 } };
    await fitAndCheck(encoder, head, options, (result) => {
      expect(result.optimiser).toBeInstanceOf(GroupedAdamW);
      expect((result.optimiser as GroupedAdamW).groups.map((g) => g.scale)).toEqual([
        1,
        expect.closeTo(0.1, 12),
        expect.closeTo(0.01, 12),
        expect.closeTo(0.001, 12),
      ]);
      // after one Adam step an element moves by at most its group's rate (plus rounding)
      const moved = (name: string, variable: tf.Variable) => Math.max(...Array.from(variable.dataSync()).map((v, i) => Math.abs(v - start.get(name)![i])));
      const biggest = (prefix: string, params: { name: string; variable: tf.Variable }[]) =>
        Math.max(...params.filter((p) => p.name.startsWith(prefix)).map((p) => moved(p.name, p.variable)));
      expect(biggest('head.', head.namedParameters())).toBeGreaterThan(5e-3);
      expect(biggest('blocks.1.', encoder.namedParameters())).toBeLessThan(1.1e-3);
      expect(biggest('blocks.0.', encoder.namedParameters())).toBeLessThan(1.1e-4);
      expect(biggest('patch_embed.', encoder.namedParameters())).toBeLessThan(1.1e-5);
    });
    await expect(
      fitClassifier({
        encoder,
        head,
        task: 'multi-label',
        protocol: 'linear-probe',
        layerDecay: 0.5,
        epochs: 1,
        batches: () => [],
        optimiser: { lr: 1 },
        rng: new Rng(0),
      }),
    ).rejects.toThrow(/layerDecay applies to fine-tuning only/);
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      let losses: number[] = [];
      const options = { ...syntheticProblem('multi-label', 'linear-probe', 1, 3, 4, 11), optimiser: { lr: 1e-2 } };
      await fitAndCheck(new TinyEncoder(2, 4, 8, 1, 1), new ClassificationHead(8, 2, { rng: new Rng(2) }), options, (r) => {
        losses = r.losses;
      });
      return losses;
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects bad settings and mismatched labels clearly', async () => {
    const encoder = new TinyEncoder(2, 4, 8, 1);
    const head = new ClassificationHead(8, 2);
    const base = { encoder, head, task: 'multi-label' as const, protocol: 'linear-probe' as const, epochs: 1, rng: new Rng(0), optimiser: { lr: 1e-3 } };
    await expect(fitClassifier({ ...base, optimiser: { lr: 0 }, batches: () => [] })).rejects.toThrow(/lr must be > 0/);
    await expect(fitClassifier({ ...base, batches: () => [{ images: tf.zeros([2, 8, 8, 3]) as tf.Tensor4D, labels: [1, 0, 1] }] })).rejects.toThrow(
      /3 label values are not rows of 2 classes/,
    );
    // a failing run frees what it allocated (the first step's AdamW moments included)
    const before = tf.memory().numTensors;
    let calls = 0;
    await expect(
      fitClassifier({
        ...base,
        batches: function* () {
          yield { images: tf.zeros([1, 8, 8, 3]) as tf.Tensor4D, labels: [1, 0] };
          calls++;
          throw new Error('reader failed');
        },
      }),
    ).rejects.toThrow(/reader failed/);
    expect(calls).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => trainableParameters(encoder, head, 'probe' as never)).toThrow(/unknown protocol 'probe'/);
    encoder.dispose();
    head.dispose();
  });
});
