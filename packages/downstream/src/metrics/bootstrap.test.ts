import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/core';
import {
  bootstrapMeanAuroc,
  bootstrapMeanAurocOverDraws,
  bootstrapRows,
  pairedBootstrapAurocDifference,
  pairedBootstrapAurocDifferenceOverDraws,
} from './bootstrap.js';

describe('bootstrapRows', () => {
  it('gives the full-sample estimate and an interval as wide as the normal theory says for a mean', () => {
    const rng = new Rng(3);
    const x = Array.from({ length: 400 }, () => rng.normal(0, 2));
    const mean = (rows: readonly number[]) => rows.reduce((s, r) => s + x[r], 0) / rows.length;
    const r = bootstrapRows(x.length, mean, { resamples: 2000, seed: 1 });
    expect(r.estimate).toBeCloseTo(mean(x.map((_, i) => i)), 12);
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
    // 95 % normal interval of a mean: ±1.96·σ/√n = ±0.196 for σ = 2, n = 400.
    expect((r.high - r.low) / 2).toBeGreaterThan(0.16);
    expect((r.high - r.low) / 2).toBeLessThan(0.23);
    expect(r.resamples).toBe(2000);
    expect(bootstrapRows(x.length, mean, { resamples: 50, seed: 1 })).toEqual(bootstrapRows(x.length, mean, { resamples: 50, seed: 1 }));
  });

  it('skips undefined resamples and rejects bad options', () => {
    const r = bootstrapRows(3, (rows) => (rows[0] === 0 ? Number.NaN : 1), { resamples: 300 });
    expect(r.resamples).toBeLessThan(300);
    expect(r.low).toBe(1);
    expect(() => bootstrapRows(0, () => 0)).toThrow(/at least one row/);
    expect(() => bootstrapRows(2, () => 0, { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapRows(2, () => 0, { level: 1 })).toThrow(/level/);
  });
});

describe('AUROC intervals', () => {
  const rng = new Rng(5);
  const n = 300;
  const targets = Float64Array.from({ length: n * 2 }, () => (rng.uniform() < 0.3 ? 1 : 0));
  const perfect = Float64Array.from(targets, (t) => t + 0.1 * rng.uniform());
  const noise = Float64Array.from(targets, () => rng.uniform());

  it('a perfect model has AUROC 1 with a degenerate interval; a random one straddles 0.5', () => {
    const p = bootstrapMeanAuroc(perfect, targets, 2, { resamples: 200 });
    expect([p.estimate, p.low, p.high]).toEqual([1, 1, 1]);
    const r = bootstrapMeanAuroc(noise, targets, 2, { resamples: 400 });
    expect(r.low).toBeLessThan(0.5);
    expect(r.high).toBeGreaterThan(0.5);
    expect(r.high - r.low).toBeLessThan(0.2);
  });

  it('paired difference: a model against itself is exactly 0; perfect against random is far above 0', () => {
    const same = pairedBootstrapAurocDifference(noise, noise, targets, 2, { resamples: 100 });
    expect([same.estimate, same.low, same.high]).toEqual([0, 0, 0]);
    const d = pairedBootstrapAurocDifference(perfect, noise, targets, 2, { resamples: 400 });
    expect(d.low).toBeGreaterThan(0.35);
    expect(d.estimate).toBeGreaterThan(d.low);
    expect(() => pairedBootstrapAurocDifference(perfect, noise.subarray(2), targets, 2)).toThrow(/shapes differ/);
    expect(() => bootstrapMeanAuroc(perfect, targets, 7)).toThrow(/shapes differ/);
  });

  it('over label draws: the mean of the draws, scored on the same resampled images; paired by draw', () => {
    const single = bootstrapMeanAuroc(noise, targets, 2, { resamples: 200, seed: 4 });
    expect(bootstrapMeanAurocOverDraws([noise, noise], targets, 2, { resamples: 200, seed: 4 })).toEqual(single);
    const both = bootstrapMeanAurocOverDraws([perfect, noise], targets, 2, { resamples: 200, seed: 4 });
    expect(both.estimate).toBeCloseTo((1 + single.estimate) / 2, 12);
    // Draws paired: (perfect − noise) and (noise − perfect) cancel in every resample.
    const cancel = pairedBootstrapAurocDifferenceOverDraws([perfect, noise], [noise, perfect], targets, 2, { resamples: 100 });
    expect([cancel.estimate, cancel.low, cancel.high]).toEqual([0, 0, 0]);
    const one = pairedBootstrapAurocDifference(perfect, noise, targets, 2, { resamples: 100, seed: 2 });
    expect(pairedBootstrapAurocDifferenceOverDraws([perfect, perfect], [noise, noise], targets, 2, { resamples: 100, seed: 2 })).toEqual(one);
    expect(() => pairedBootstrapAurocDifferenceOverDraws([perfect], [noise, noise], targets, 2)).toThrow(/1 draws of A but 2 of B/);
    expect(() => bootstrapMeanAurocOverDraws([], targets, 2)).toThrow(/no draws/);
    expect(() => bootstrapMeanAurocOverDraws([noise, noise.subarray(2)], targets, 2)).toThrow(/shapes differ/);
  });
});
