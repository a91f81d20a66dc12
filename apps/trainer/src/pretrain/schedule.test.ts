import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { learningRateAt, resolveSchedule } from './schedule.js';

describe('resolveSchedule', () => {
  it("authors' schedule: warm-up 40/120 of the run, cosine horizon 200/120, lr ends at half the peak", () => {
    const config = loadConfig('tiny', ['optim.schedule=authors', 'optim.steps=120', 'optim.lr=0.001']);
    const s = resolveSchedule(config);
    expect([s.steps, s.warmupSteps, s.horizonSteps]).toEqual([120, 40, 200]);
    const lr = learningRateAt(config, s);
    expect(lr(20)).toBeCloseTo(0.0005, 12);
    expect(lr(40)).toBeCloseTo(0.001, 12);
    expect(lr(120)).toBeCloseTo(0.0005, 12); // 0.5·(1 + cos(π · 80/160))
  });

  it('derives steps from epochs and the number of pairs, and says so', () => {
    const config = loadConfig('tiny', ['optim.epochs=2.5', 'data.batchSize=8', 'optim.accumulate=2', 'optim.schedule=cosine', 'optim.warmupSteps=3']);
    const s = resolveSchedule(config, 100);
    expect(s.steps).toBe(16); // ⌈2.5 · 100 / 16⌉
    expect([s.warmupSteps, s.horizonSteps]).toEqual([3, 16]);
    expect(s.explanation).toMatch(/optim\.epochs = 2\.5 over 100 pairs .* → 16 steps \(optim\.steps ignored\)/);
    expect(() => resolveSchedule(config)).toThrow(/needs the number of pre-training pairs/);
  });

  it('cosine schedule: to minLr at the end of the run; a warm-up longer than the run is an error', () => {
    const config = loadConfig('tiny', ['optim.schedule=cosine', 'optim.steps=10', 'optim.warmupSteps=2', 'optim.minLr=0.0001', 'optim.lr=0.001']);
    const lr = learningRateAt(config, resolveSchedule(config));
    expect(lr(10)).toBeCloseTo(0.0001, 12);
    const long = loadConfig('tiny', ['optim.schedule=cosine', 'optim.epochs=1', 'optim.warmupSteps=50']);
    expect(() => resolveSchedule(long, 16)).toThrow(/warmupSteps \(50\) exceeds the run's 2 steps/);
  });
});
