import { describe, expect, it } from 'vitest';
import {
  augmentationOn,
  encoderTrains,
  EVAL_FLAGS,
  FINETUNE_FLAGS,
  FinetuneOptionError,
  parseSplit,
  resolveEvalOptions,
  resolveFinetuneOptions,
  TASK_DEFAULTS,
} from './options.js';

const base = { task: 'classification', encoder: 'random', data: 'train.txt', test: 'test.txt' };

describe('resolveFinetuneOptions', () => {
  it('fills the authors’ defaults per task', () => {
    const c = resolveFinetuneOptions(base);
    expect(c).toMatchObject({
      protocol: 'finetune',
      optimizer: 'sgd',
      lr: 1e-2,
      weightDecay: 0,
      momentum: 0.9,
      clip: 1,
      patience: 20,
      colour: 'grey',
      imageSize: 224,
      fraction: 100,
      labels: 'auto',
      finalNorm: false,
    });
    expect(c.decoderWidths).toEqual([512, 256, 128, 64]);
    const s = resolveFinetuneOptions({ ...base, task: 'segmentation' });
    expect(s).toMatchObject({
      protocol: 'frozen',
      optimizer: 'adamw',
      lr: 5e-4,
      weightDecay: 0.05,
      warmup: 50,
      patience: 40,
      out: 'runs/finetune-segmentation',
    });
    const d = resolveFinetuneOptions({ ...base, task: 'detection' });
    expect(d).toMatchObject({ protocol: 'frozen', optimizer: 'adamw', warmup: 5, patience: 20, bootstrap: 200 });
    // switching the optimiser switches its weight-decay default
    expect(resolveFinetuneOptions({ ...base, optimizer: 'adamw' }).weightDecay).toBe(0.05);
    expect(resolveFinetuneOptions({ ...base, task: 'segmentation', optimizer: 'sgd' }).weightDecay).toBe(0);
    expect(TASK_DEFAULTS.classification.epochs).toBe(30);
  });

  it('reads every flag and its type', () => {
    const o = resolveFinetuneOptions({
      ...base,
      val: 'val.txt',
      fraction: '10',
      labels: 'single-label',
      classes: '3',
      colour: 'rgb',
      protocol: 'linear-probe',
      'image-size': '64',
      'final-norm': true,
      lr: '0.3',
      'weight-decay': '0.01',
      epochs: '3',
      'batch-size': '4',
      patience: '2',
      seed: '7',
      'on-bad-sample': 'fail',
      'decoder-widths': '8,8,4,4',
    });
    expect(o).toMatchObject({
      val: 'val.txt',
      fraction: 10,
      labels: 'single-label',
      classes: 3,
      colour: 'rgb',
      protocol: 'linear-probe',
      imageSize: 64,
      finalNorm: true,
      lr: 0.3,
      weightDecay: 0.01,
      epochs: 3,
      batchSize: 4,
      patience: 2,
      seed: 7,
      onBadSample: 'fail',
    });
    expect(o.decoderWidths).toEqual([8, 8, 4, 4]);
  });

  it.each([
    [{}, /--task is required/],
    [{ ...base, task: 'regression' }, /--task: 'regression' is not one of classification, segmentation, detection/],
    [{ ...base, encoder: undefined }, /--encoder is required/],
    [{ ...base, test: undefined }, /--test is required \(or --split/],
    [{ ...base, split: '15/5' }, /give either --split or --val\/--test/],
    [{ ...base, lr: 'fast' }, /--lr: 'fast' is not a number/],
    [{ ...base, lr: '0' }, /--lr: must be > 0/],
    [{ ...base, epochs: '1.5' }, /--epochs: 1.5 is not a whole number/],
    [{ ...base, fraction: '50' }, /--fraction: 50 is not 1, 10 or 100/],
    [{ ...base, task: 'segmentation', protocol: 'linear-probe' }, /linear-probe is a classification protocol/],
    [{ ...base, protocol: 'frozen', 'layer-decay': '0.75' }, /--layer-decay: applies to --protocol finetune only/],
    [{ ...base, 'decoder-widths': '8,8' }, /give 4 widths/],
    [{ ...base, task: 'detection', augment: 'on' }, /augmentation is implemented for classification/],
    [{ ...base, classes: '1' }, /--classes: must be ≥ 2/],
    [{ ...base, 'on-bad-sample': 'ignore' }, /--on-bad-sample: 'ignore' is not one of skip, fail/],
  ])('refuses %j naming the flag', (values, message) => {
    expect(() => resolveFinetuneOptions(values as Record<string, unknown>)).toThrow(FinetuneOptionError);
    expect(() => resolveFinetuneOptions(values as Record<string, unknown>)).toThrow(message);
  });
});

describe('resolveEvalOptions', () => {
  it("defaults as ecamp finetune does, the bootstrap left to the checkpoint's task", () => {
    expect(resolveEvalOptions({ checkpoint: 'h.safetensors', test: 't.txt' })).toEqual({
      checkpoint: 'h.safetensors',
      test: 't.txt',
      encoder: undefined,
      imageRoot: undefined,
      images: 'images',
      masks: undefined,
      bootstrap: undefined,
      seed: 0,
      out: undefined,
      onBadSample: 'skip',
    });
    for (const [flag, spec] of Object.entries(EVAL_FLAGS))
      if (flag !== 'checkpoint') expect(spec, flag).toBe(FINETUNE_FLAGS[flag as keyof typeof FINETUNE_FLAGS]);
  });

  it.each([
    [{ test: 't' }, /--checkpoint is required/],
    [{ checkpoint: 'h' }, /--test is required/],
    [{ checkpoint: 'h', test: 't', bootstrap: '0' }, /--bootstrap: must be ≥ 1, got 0/],
    [{ checkpoint: 'h', test: 't', seed: '1.5' }, /--seed: 1.5 is not a whole number/],
    [{ checkpoint: 'h', test: 't', 'on-bad-sample': 'ignore' }, /--on-bad-sample: 'ignore' is not one of skip, fail/],
  ])('refuses %j naming the flag', (values, message) => {
    expect(() => resolveEvalOptions(values)).toThrow(FinetuneOptionError);
    expect(() => resolveEvalOptions(values)).toThrow(message);
  });
});

describe('parseSplit', () => {
  it('reads counts and percentages, two or three parts', () => {
    expect(parseSplit('15/5')).toEqual({ parts: [15, 0, 5], unit: 'count' });
    expect(parseSplit('70%/10%/20%')).toEqual({ parts: [70, 10, 20], unit: 'percent' });
    expect(() => parseSplit('15')).toThrow(/not train\/test or train\/val\/test/);
    expect(() => parseSplit('15/5%')).toThrow(/mixes counts and percentages/);
    expect(() => parseSplit('1.5/2')).toThrow(/'1.5' is not a whole number of images/);
    expect(() => parseSplit('10/0')).toThrow(/leaves no training or no test images/);
    expect(() => parseSplit('80%/30%')).toThrow(/more than 100 %/);
  });
});

describe('augmentationOn / encoderTrains', () => {
  it('augments classification when the encoder trains, or when asked', () => {
    expect(augmentationOn({ task: 'classification', augment: 'auto', protocol: 'finetune' })).toBe(true);
    expect(augmentationOn({ task: 'classification', augment: 'auto', protocol: 'frozen' })).toBe(false);
    expect(augmentationOn({ task: 'classification', augment: 'on', protocol: 'frozen' })).toBe(true);
    expect(augmentationOn({ task: 'segmentation', augment: 'auto', protocol: 'finetune' })).toBe(false);
    expect(encoderTrains({ protocol: 'finetune' })).toBe(true);
    expect(encoderTrains({ protocol: 'linear-probe' })).toBe(false);
  });
});
