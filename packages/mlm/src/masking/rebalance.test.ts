import { describe, expect, it } from 'vitest';
import { rebalancedWeights } from './rebalance.js';

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe('rebalancedWeights', () => {
  it('golden: "[CLS] there is no pleural effusion ." (T=3, D=2, O=1)', () => {
    //            CLS there is no pleural effusion .  PAD
    const tmpl = [0, 1, 1, 1, 0, 0, 0, 0];
    const desc = [0, 0, 0, 1, 1, 0, 0, 0];
    const r = rebalancedWeights({ length: 7, isTemplate: tmpl, isDescriptor: desc });
    // factor = (0.95·(3−1) + 2) / (2 − 0.95·1) = 3.9 / 1.05
    const f = 3.9 / 1.05;
    expect(r.factor).toBeCloseTo(f, 6);
    const expected = [1, 0.05, 0.05, 0.05 * f, f, 1, 1, 0];
    Array.from(r.weights).forEach((w, i) => expect(w).toBeCloseTo(expected[i], 5));
    expect(sum(r.weights)).toBeCloseTo(7, 5);
    expect([r.templateTokens, r.descriptorTokens, r.descriptorsInTemplates]).toEqual([3, 2, 1]);
    expect(r.movedMass).toBeCloseTo(2.85, 6);
  });

  it('golden: templates without descriptors spread over the sequence (L=8, T=5)', () => {
    // "[CLS] there is no evidence of disease ." — no entity, so no descriptor.
    const tmpl = [0, 1, 1, 1, 1, 1, 0, 0, 0, 0];
    const desc = new Array(10).fill(0);
    const r = rebalancedWeights({ length: 8, isTemplate: tmpl, isDescriptor: desc });
    const f = 8 / (8 - 0.95 * 5);
    expect(r.factor).toBeCloseTo(f, 6);
    expect(r.weights[0]).toBeCloseTo(f, 5);
    expect(r.weights[1]).toBeCloseTo(0.05 * f, 5);
    expect(r.weights[8]).toBe(0);
    expect(sum(r.weights)).toBeCloseTo(8, 5);
  });

  it('keeps weight 1 everywhere when there is no template', () => {
    const r = rebalancedWeights({ length: 4, isTemplate: [0, 0, 0, 0, 0], isDescriptor: [0, 1, 1, 0, 0] });
    expect(Array.from(r.weights)).toEqual([1, 1, 1, 1, 0]);
    expect(r.factor).toBe(1);
  });

  it('conserves the total weight on random configurations', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 500; trial++) {
      const Lpad = 40;
      const L = 2 + Math.floor(rand() * 38);
      const tmpl = Array.from({ length: Lpad }, (_, i) => (i < L && rand() < 0.3 ? 1 : 0));
      const desc = Array.from({ length: Lpad }, (_, i) => (i < L && rand() < 0.2 ? 1 : 0));
      if (tmpl.slice(0, L).every((t) => t === 1) && desc.every((d) => d === 0)) continue;
      const r = rebalancedWeights({ length: L, isTemplate: tmpl, isDescriptor: desc });
      expect(sum(r.weights)).toBeCloseTo(L, 3);
      expect(Array.from(r.weights.slice(L)).every((w) => w === 0)).toBe(true);
    }
  });

  it('rejects mismatched inputs', () => {
    expect(() => rebalancedWeights({ length: 2, isTemplate: [0, 0], isDescriptor: [0] })).toThrow(/isDescriptor/);
    expect(() => rebalancedWeights({ length: 3, isTemplate: [0, 0], isDescriptor: [0, 0] })).toThrow(/length 3/);
  });
});
