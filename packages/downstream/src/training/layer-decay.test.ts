import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Parameter } from '@ecamp/core';
import { GroupedAdamW, groupedTrainStep, vitLayerScales } from './layer-decay.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function param(name: string, values: number[]): Parameter {
  return { name, variable: tf.variable(tf.tensor1d(values), true), decay: false };
}

describe('vitLayerScales', () => {
  it('gives layer l of a depth-L encoder decay^(L + 1 − l), the head 1', () => {
    const names = [
      'encoder.cls_token',
      'encoder.patch_embed.proj.weight',
      'encoder.blocks.0.attn.qkv.weight',
      'encoder.blocks.1.mlp.fc1.bias',
      'encoder.norm.weight',
      'fc_norm.weight',
      'head.weight',
    ];
    const scale = vitLayerScales(names, 0.5);
    expect(names.map(scale)).toEqual([0.125, 0.125, 0.25, 0.5, 1, 1, 1]);
    expect(names.map(vitLayerScales(names, 1))).toEqual(names.map(() => 1));
    expect(() => vitLayerScales(names, 0)).toThrow(/layer decay must be in \(0, 1\], got 0/);
  });
});

describe('GroupedAdamW', () => {
  it('steps each group at lr · scale (first Adam step moves every element by about its rate)', () => {
    const a = param('head.weight', [1, 2, 3]);
    const b = param('encoder.blocks.0.w', [1, 2, 3]);
    const opt = new GroupedAdamW([a, b], { lr: 0.1, weightDecay: 0 }, (n) => (n.startsWith('encoder') ? 0.25 : 1));
    expect(opt.groups.map((g) => g.scale)).toEqual([1, 0.25]);
    expect(opt.params.map((p) => p.name)).toEqual(['head.weight', 'encoder.blocks.0.w']);
    const grads = { 'head.weight': tf.tensor1d([0.3, -2, 5]), 'encoder.blocks.0.w': tf.tensor1d([-1, 0.01, 4]) };
    const r = opt.step(grads, 0.1);
    expect(r.applied).toBe(true);
    expect(opt.stepCount).toBe(1);
    expect(Array.from(a.variable.dataSync())).toEqual([expect.closeTo(0.9, 5), expect.closeTo(2.1, 5), expect.closeTo(2.9, 5)]);
    expect(Array.from(b.variable.dataSync())).toEqual([expect.closeTo(1.025, 5), expect.closeTo(1.975, 5), expect.closeTo(2.975, 5)]);
    tf.dispose(Object.values(grads));
    opt.dispose();
    tf.dispose([a.variable, b.variable]);
  });

  it('skips every group on a non-finite gradient', () => {
    const a = param('a', [1]);
    const b = param('b', [1]);
    const opt = new GroupedAdamW([a, b], { lr: 0.1 }, (n) => (n === 'a' ? 1 : 0.5));
    const grads = { a: tf.tensor1d([1]), b: tf.tensor1d([Number.NaN]) };
    expect(opt.step(grads, 0.1).applied).toBe(false);
    expect(a.variable.dataSync()[0]).toBe(1);
    tf.dispose(Object.values(grads));
    opt.dispose();
    tf.dispose([a.variable, b.variable]);
  });

  it('groupedTrainStep clips, reports the unclipped norm and leaks nothing', () => {
    const a = param('a', [3, 4]);
    const opt = new GroupedAdamW([a], { lr: 0.1, weightDecay: 0 });
    const lossFn = () => tf.sum(tf.square(a.variable)).div(2) as tf.Scalar; // gradient = [3, 4], norm 5
    groupedTrainStep([a], lossFn, opt, 0.1, 1); // first step creates the moments
    const before = tf.memory().numTensors;
    const r = groupedTrainStep([a], lossFn, opt, 0.1, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.applied).toBe(true);
    expect(r.gradNorm).toBeGreaterThan(1);
    expect(r.loss).toBeGreaterThan(0);
    opt.dispose();
    a.variable.dispose();
  });
});
