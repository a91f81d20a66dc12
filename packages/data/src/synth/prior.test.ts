import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/io';
import { FINDING_PRIOR, LABEL_NAMES, sampleFindingSpecs } from './prior.js';

describe('finding prior', () => {
  it('draws findings at about the stated prevalence, with edema following cardiomegaly', () => {
    const rng = Rng.sfc32(3);
    const n = 4000;
    const counts: Record<string, number> = {};
    let cardio = 0;
    let edemaGivenCardio = 0;
    for (let i = 0; i < n; i++) {
      const specs = sampleFindingSpecs(rng);
      for (const s of specs) counts[s.label] = (counts[s.label] ?? 0) + 1;
      if (specs.some((s) => s.label === 'cardiomegaly')) {
        cardio++;
        if (specs.some((s) => s.label === 'edema')) edemaGivenCardio++;
      }
      expect(new Set(specs.map((s) => s.label)).size).toBe(specs.length);
    }
    expect(counts.cardiomegaly / n).toBeCloseTo(FINDING_PRIOR.cardiomegaly.p, 1);
    expect(counts.pneumothorax / n).toBeCloseTo(FINDING_PRIOR.pneumothorax.p, 1);
    expect(edemaGivenCardio / cardio).toBeCloseTo(FINDING_PRIOR.edema.pGivenCardiomegaly, 1);
    for (const l of LABEL_NAMES) expect(counts[l]).toBeGreaterThan(0);
  });
});
