import { describe, expect, it } from 'vitest';
import { boxBlur, maskArea, maskBox, quadBezier, strokeMax } from './raster.js';

describe('raster primitives', () => {
  it('box blur preserves the total away from the border and spreads a point symmetrically', () => {
    const n = 21;
    const src = new Float32Array(n * n);
    src[10 * n + 10] = 1;
    const out = boxBlur(src, n, 2, 3);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(out[10 * n + 10]).toBeGreaterThan(out[10 * n + 12]);
    expect(out[10 * n + 8]).toBeCloseTo(out[10 * n + 12], 6);
    expect(out[8 * n + 10]).toBeCloseTo(out[10 * n + 12], 6);
  });

  it('strokes a band of the given radius and finds its box', () => {
    const n = 32;
    const layer = new Float32Array(n * n);
    strokeMax(layer, n, quadBezier({ x: 4, y: 16 }, { x: 16, y: 16 }, { x: 28, y: 16 }), 3, 1);
    const mask = Uint8Array.from(layer, (v) => (v > 0 ? 1 : 0));
    const box = maskBox(mask, n)!;
    expect(box[1]).toBeGreaterThanOrEqual(13);
    expect(box[3]).toBeLessThanOrEqual(19);
    expect(box[0]).toBeLessThanOrEqual(3);
    expect(box[2]).toBeGreaterThanOrEqual(29);
    expect(maskArea(mask)).toBeGreaterThan(24 * 4);
    expect(maskBox(new Uint8Array(n * n), n)).toBeNull();
  });
});
