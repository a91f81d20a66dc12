import { describe, expect, it } from 'vitest';
import { yoloV3Config } from './anchors.js';
import { assignTargets } from './targets.js';

describe('assignTargets', () => {
  const config = yoloV3Config(224, 1);

  it('puts each box on its best-shaped anchor, in the cell of its centre', () => {
    // 200×180 box: closest to the largest anchor (scale 2, anchor 2: 201×175.5); centre (112, 102) → 7×7 cell (3, 3)
    // 6×8 box: closest to the smallest anchor (scale 0, anchor 0: 5.4×7); centre (20, 40) → 28×28 cell (5, 2)
    const t = assignTargets([[[12, 12, 212, 192]], [[17, 36, 23, 44]]], config);
    expect(t.collisions).toBe(0);
    const big = ((0 * 7 + 3) * 7 + 3) * 3 + 2;
    expect(t.scales[2].positive[big]).toBe(1);
    expect(t.scales[2].weight[big]).toBeCloseTo(2 - (200 * 180) / 224 ** 2, 6);
    const small = ((1 * 28 + 5) * 28 + 2) * 3 + 0;
    expect(t.scales[0].positive[small]).toBe(1);
    expect(t.scales[0].box[small * 4]).toBeCloseTo(0.5, 6); // centre x 20 / 8 = 2.5 → offset 0.5
    expect(t.scales[0].box[small * 4 + 1]).toBeCloseTo(0, 6); // centre y 40 / 8 = 5.0
    expect(t.scales[0].box[small * 4 + 2]).toBeCloseTo(Math.log(6 / ((10 * 224) / 416)), 6);
    expect(t.scales[0].classes[small]).toBe(1);
    const positives = t.scales.reduce((n, s) => n + s.positive.reduce((a, v) => a + v, 0), 0);
    expect(positives).toBe(2);
  });

  it('counts two boxes on one slot as a collision (the later wins)', () => {
    const t = assignTargets(
      [
        [
          [100, 100, 110, 112],
          [101, 101, 111, 113],
        ],
      ],
      config,
    );
    expect(t.collisions).toBe(1);
    expect(t.scales.reduce((n, s) => n + s.positive.reduce((a, v) => a + v, 0), 0)).toBe(1);
  });

  it('rejects out-of-range classes', () => {
    expect(() => assignTargets([[[0, 0, 10, 10]]], config, [[1]])).toThrow(/image 0 box 0 has class 1/);
  });
});
