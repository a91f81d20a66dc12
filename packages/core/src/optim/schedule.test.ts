import { describe, expect, it } from 'vitest';
import { cosineWithWarmup } from './schedule.js';

describe('cosineWithWarmup', () => {
  it('warms up linearly, peaks at baseLr, ends at minLr via a half cosine', () => {
    const lr = cosineWithWarmup({ baseLr: 1, warmupSteps: 10, totalSteps: 110, minLr: 0.1 });
    expect(lr(0)).toBe(0);
    expect(lr(5)).toBeCloseTo(0.5);
    expect(lr(10)).toBeCloseTo(1);
    expect(lr(60)).toBeCloseTo(0.55); // halfway through the cosine
    expect(lr(110)).toBeCloseTo(0.1);
    expect(lr(500)).toBeCloseTo(0.1);
    for (let s = 11; s < 110; s++) expect(lr(s)).toBeLessThanOrEqual(lr(s - 1));
  });

  it('validates its arguments', () => {
    expect(() => cosineWithWarmup({ baseLr: 1, warmupSteps: 20, totalSteps: 10 })).toThrow(/warmupSteps/);
  });
});
