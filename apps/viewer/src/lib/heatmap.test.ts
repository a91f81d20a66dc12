import { describe, expect, it } from 'vitest';
import { RAMP, heatmapPixels, normaliseMap, rampColour } from './heatmap.js';

describe('heat-map values and colours', () => {
  it('scales a map to [0, 1] by its minimum and maximum', () => {
    expect(Array.from(normaliseMap([0.02, 0.04, 0.03]))).toEqual([0, 1, 0.5].map((v) => Math.fround(v)));
    expect(Array.from(normaliseMap([0.2, 0.2]))).toEqual([0, 0]);
  });

  it('maps 0 and 1 to the ramp ends, clamps, and interpolates between stops', () => {
    expect(rampColour(0)).toEqual([...RAMP[0]]);
    expect(rampColour(1)).toEqual([...RAMP[RAMP.length - 1]]);
    expect(rampColour(-3)).toEqual(rampColour(0));
    expect(rampColour(Number.NaN)).toEqual(rampColour(0));
    expect(rampColour(0.5)).toEqual([...RAMP[2]]);
    const mid = rampColour(0.125); // halfway between stops 0 and 1
    expect(mid).toEqual([0, 1, 2].map((c) => Math.round((RAMP[0][c] + RAMP[1][c]) / 2)));
    // brighter with more attention
    const lum = (v: number) => rampColour(v).reduce((a, b) => a + b, 0);
    for (let v = 0.1; v <= 1; v += 0.1) expect(lum(v)).toBeGreaterThan(lum(v - 0.1));
  });

  it('lays the grid out row-major, one opaque pixel per patch', () => {
    const px = heatmapPixels(Float32Array.from([0, 1, 1, 0]), 2);
    expect(Array.from(px.slice(0, 4))).toEqual([...RAMP[0], 255]);
    expect(Array.from(px.slice(4, 8))).toEqual([...RAMP[4], 255]);
    expect(() => heatmapPixels(new Float32Array(5), 2)).toThrow(/5 values do not fill a 2×2 grid/);
  });
});
