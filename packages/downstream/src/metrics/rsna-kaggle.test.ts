import { describe, expect, it } from 'vitest';
import { rsnaKaggleScore } from './rsna-kaggle.js';

describe('rsnaKaggleScore', () => {
  it('matches a hand-worked example', () => {
    const r = rsnaKaggleScore(
      [
        // image 0: IoU 0.6 with its truth → TP (score 1) at t = 0.40…0.55, FP + FN (score 0) at t = 0.60…0.75
        { boxes: [[0, 0, 10, 6]], scores: [0.9] },
        // image 1: no truth, one prediction → 0
        { boxes: [[0, 0, 5, 5]], scores: [0.5] },
        // image 2: nothing predicted, nothing true → left out
        { boxes: [], scores: [] },
        // image 3: exact match plus a spurious box → 1/2 at every threshold
        {
          boxes: [
            [20, 20, 30, 30],
            [0, 0, 3, 3],
          ],
          scores: [0.8, 0.9],
        },
      ],
      [[[0, 0, 10, 10]], [], [], [[20, 20, 30, 30]]],
    );
    const image0 = (4 * 1 + 4 * 0) / 8;
    expect(r.perImage[0]).toBeCloseTo(image0, 12);
    expect(r.perImage[1]).toBe(0);
    expect(r.perImage[2]).toBeNaN();
    expect(r.perImage[3]).toBeCloseTo(0.5, 12);
    expect(r.mean).toBeCloseTo((image0 + 0 + 0.5) / 3, 12);
  });

  it('uses strict IoU > t and rejects mismatched input', () => {
    // IoU exactly 0.5: not a match at t = 0.5
    expect(rsnaKaggleScore([{ boxes: [[0, 0, 10, 5]], scores: [1] }], [[[0, 0, 10, 10]]], [0.5]).mean).toBe(0);
    expect(() => rsnaKaggleScore([], [[]])).toThrow(/0 images of predictions but 1/);
  });
});
