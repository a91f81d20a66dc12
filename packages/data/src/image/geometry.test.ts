import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/io';
import { centerCropBox, mapBox, mapPoint, sampleResizedCrop, type TransformGeometry } from './geometry.js';

describe('geometry', () => {
  it('samples random-resized crops inside the image with area and ratio in range', () => {
    const rng = Rng.sfc32(5);
    for (let k = 0; k < 300; k++) {
      const c = sampleResizedCrop(rng, 512, 400);
      expect(c.x >= 0 && c.y >= 0 && c.x + c.w <= 512 && c.y + c.h <= 400).toBe(true);
      const area = (c.w * c.h) / (512 * 400);
      expect(area).toBeGreaterThan(0.19);
      expect(area).toBeLessThanOrEqual(1);
      expect(c.w / c.h).toBeGreaterThan(0.74);
      expect(c.w / c.h).toBeLessThan(1.35);
    }
    // Impossible ratio range → centre crop fallback with the ratio clamped.
    expect(sampleResizedCrop(Rng.sfc32(1), 100, 10, [0.9, 1], [1, 1])).toEqual({ x: 45, y: 0, w: 10, h: 10 });
    expect(centerCropBox(10, 6, 4, 4)).toEqual({ x: 3, y: 1, w: 4, h: 4 });
  });

  it('maps points and boxes through crop, resize and flip', () => {
    const g: TransformGeometry = {
      sourceSize: { width: 200, height: 100 },
      crop: { x: 50, y: 0, w: 100, h: 100 },
      flip: false,
      outSize: { width: 400, height: 400 },
    };
    expect(mapPoint(g, 50, 0)).toEqual({ x: 0, y: 0 });
    expect(mapPoint(g, 150, 100)).toEqual({ x: 400, y: 400 });
    expect(mapBox(g, [60, 10, 70, 20])).toEqual([40, 40, 80, 80]);
    const f = { ...g, flip: true };
    expect(mapBox(f, [60, 10, 70, 20])).toEqual([320, 40, 360, 80]);
    expect(mapBox(g, [0, 0, 40, 40])).toBeNull();
    expect(mapBox(g, [40, 0, 60, 10])).toEqual([0, 0, 40, 40]);
  });
});
