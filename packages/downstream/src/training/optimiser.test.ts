import { describe, expect, it } from 'vitest';
import { authorsSchedule, createDownstreamOptimiser, createOptimiser, learningRateSchedule } from './optimiser.js';
import { GroupedAdamW } from './layer-decay.js';
import { Sgd } from './sgd.js';

describe('createOptimiser', () => {
  it('warms up linearly from a non-zero rate, then stays constant without stepsPerEpoch', () => {
    const { optimiser, lrAt } = createOptimiser([], { lr: 0.4, warmupSteps: 3 }, 2);
    expect([0, 1, 2, 3, 100].map(lrAt)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.4]);
    expect(optimiser.beta2).toBe(0.999);
    expect(optimiser.weightDecay).toBe(0.05);
  });
  it('follows a half-cosine to minLr over all epochs with stepsPerEpoch', () => {
    const { lrAt } = createOptimiser([], { lr: 1, stepsPerEpoch: 5, minLr: 0.1 }, 2);
    expect(lrAt(0)).toBe(1);
    expect(lrAt(5)).toBeCloseTo(0.55, 12);
    expect(lrAt(10)).toBe(0.1);
  });
  it('rejects a non-positive rate and bad epochs', () => {
    expect(() => createOptimiser([], { lr: -1 }, 1)).toThrow(/lr must be > 0, got -1/);
    expect(() => createOptimiser([], { lr: 1 }, 1.5)).toThrow(/epochs must be a non-negative integer/);
  });
});

describe('authorsSchedule', () => {
  it('warms up from lr/warmup at the first update, reaches lr at the warm-up’s end and 0 at the horizon', () => {
    const lrAt = authorsSchedule(1, 4, 12);
    expect([0, 1, 2].map(lrAt)).toEqual([0.25, 0.5, 0.75]);
    expect(lrAt(3)).toBe(1); // λ(4): progress 0
    expect(lrAt(7)).toBeCloseTo(0.5, 12); // λ(8): half-way through the cosine
    expect(lrAt(11)).toBe(0);
    expect(lrAt(50)).toBe(0); // clamped past the horizon
  });

  it('is chosen by schedule: authors, with the horizon from stepsPerEpoch·epochs or totalSteps', () => {
    expect(learningRateSchedule({ lr: 1, schedule: 'authors', warmupSteps: 0, stepsPerEpoch: 5 }, 2)(4)).toBeCloseTo(0.5, 12);
    expect(learningRateSchedule({ lr: 1, schedule: 'authors', totalSteps: 4 }, 99)(1)).toBeCloseTo(0.5, 12);
    expect(() => learningRateSchedule({ lr: 1, schedule: 'authors' }, 3)).toThrow(/totalSteps must be a positive integer/);
    expect(() => learningRateSchedule({ lr: 1, schedule: 'linear' as never }, 3)).toThrow(/unknown schedule 'linear'/);
  });
});

describe('createDownstreamOptimiser', () => {
  it('builds AdamW by default and SGD with momentum 0.9 and no decay for kind sgd', () => {
    const adam = createDownstreamOptimiser([], { lr: 1e-3 });
    expect(adam).toBeInstanceOf(GroupedAdamW);
    const sgd = createDownstreamOptimiser([], { lr: 1e-3, kind: 'sgd' });
    expect(sgd).toBeInstanceOf(Sgd);
    expect((sgd as Sgd).momentum).toBe(0.9);
    expect((sgd as Sgd).weightDecay).toBe(0);
    expect(() => createDownstreamOptimiser([], { lr: 1e-3, kind: 'rmsprop' as never })).toThrow(/unknown optimiser 'rmsprop'/);
    expect(() => createDownstreamOptimiser([], { lr: 0, kind: 'sgd' })).toThrow(/lr must be > 0/);
  });
});
