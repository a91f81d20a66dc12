import { describe, expect, it } from 'vitest';
import { checkDetectionConfig, yoloV3Config } from './anchors.js';

describe('yoloV3Config', () => {
  it('has grids 28/14/7 at 224 with the COCO anchors scaled by 224/416', () => {
    const c = yoloV3Config();
    expect(c.scales.map((s) => s.grid)).toEqual([28, 14, 7]);
    expect(c.scales[0].anchors[0][0]).toBeCloseTo((10 * 224) / 416, 12);
    expect(c.scales[2].anchors[2][1]).toBeCloseTo((326 * 224) / 416, 12);
    expect(() => checkDetectionConfig(c)).not.toThrow();
  });
  it('rejects grids that do not divide the image and uneven anchor counts', () => {
    const c = yoloV3Config();
    expect(() => checkDetectionConfig({ ...c, scales: [{ grid: 5, anchors: [[1, 1]] }] })).toThrow(/grid 5 does not divide image size 224/);
    expect(() => checkDetectionConfig({ ...c, scales: [c.scales[0], { grid: 14, anchors: [[1, 1]] }] })).toThrow(/scale 1 has 1 anchors, expected 3/);
    expect(() => checkDetectionConfig({ ...c, scales: [{ grid: 7, anchors: [[0, 1]] }] })).toThrow(/anchor 0 is \[0, 1\]/);
  });
});
