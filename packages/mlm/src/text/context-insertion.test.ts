import { describe, expect, it } from 'vitest';
import { insertContext } from './context-insertion.js';
import { testRng } from '../../test/test-rng.js';

const report = 'Heart size is normal. No pleural effusion. Lungs are clear.';
const context = 'Effusion: absent';

describe('insertContext', () => {
  it('inserts at a sentence boundary with punctuation', () => {
    const rng = { uniform: () => 0.1, int: () => 1 };
    expect(insertContext(report, context, rng)).toEqual({
      text: 'Heart size is normal. Effusion: absent. No pleural effusion. Lungs are clear.',
      inserted: true,
      boundary: 1,
    });
    expect(insertContext('no effusion', context, { uniform: () => 0, int: () => 0 }).text).toBe('Effusion: absent. no effusion.');
  });

  it('leaves the raw report when the draw fails or there is no context', () => {
    expect(insertContext(report, context, { uniform: () => 0.85, int: () => 0 })).toEqual({ text: report, inserted: false, boundary: -1 });
    expect(insertContext(report, undefined, testRng(1)).text).toBe(report);
    expect(insertContext(report, '  ', testRng(1)).inserted).toBe(false);
  });

  it('inserts with p ≈ 0.8 and uniformly over the 0..S boundaries', () => {
    const rng = testRng(7);
    const n = 20000;
    const counts = [0, 0, 0, 0];
    let inserted = 0;
    for (let i = 0; i < n; i++) {
      const r = insertContext(report, context, rng);
      if (r.inserted) {
        inserted++;
        counts[r.boundary]++;
      }
    }
    expect(Math.abs(inserted / n - 0.8)).toBeLessThan(0.01);
    for (const c of counts) expect(Math.abs(c / inserted - 0.25)).toBeLessThan(0.015);
  });

  it('rejects a bad probability', () => {
    expect(() => insertContext(report, context, testRng(1), 1.5)).toThrow(/probability/);
  });
});
