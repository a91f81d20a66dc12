import { describe, expect, it } from 'vitest';
import { createOptimiser } from './optimiser.js';

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
