import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/io';
import { buildGeometry, renderSoftTissue } from './anatomy.js';
import { heartScaleFor, pneumothoraxRegion, renderEffusion } from './findings.js';
import { maskArea, maskBox } from './raster.js';

describe('finding renderers', () => {
  const size = 192;

  it('effusions fill the lung base, larger ones more, and brighten it', () => {
    const areas: number[] = [];
    for (const sz of ['small', 'moderate', 'large'] as const) {
      const rng = Rng.sfc32(5);
      const g = buildGeometry(rng, size, 1);
      const img = renderSoftTissue(g, rng);
      const before = Float32Array.from(img);
      const f = renderEffusion(g, img, { label: 'pleural_effusion', sides: ['left'], size: sz }, rng);
      areas.push(maskArea(f.mask));
      // Only in the left lung (image right), in its lower part.
      for (let i = 0; i < f.mask.length; i++) if (f.mask[i]) expect(g.lung.left[i]).toBe(1);
      const box = maskBox(f.mask, size)!;
      const lungBox = maskBox(g.lung.left, size)!;
      expect(box[3]).toBeGreaterThan(lungBox[1] + 0.7 * (lungBox[3] - lungBox[1]));
      let gain = 0;
      for (let i = 0; i < img.length; i++) if (f.mask[i]) gain += img[i] - before[i];
      expect(gain / areas[areas.length - 1]).toBeGreaterThan(0.15);
    }
    expect(areas[0]).toBeLessThan(areas[1]);
    expect(areas[1]).toBeLessThan(areas[2]);
  });

  it('pneumothorax space is apical/lateral in the named lung and grows with size', () => {
    const g = buildGeometry(Rng.sfc32(3), size, 1);
    const small = pneumothoraxRegion(g, { label: 'pneumothorax', side: 'right', size: 'small' });
    const large = pneumothoraxRegion(g, { label: 'pneumothorax', side: 'right', size: 'large' });
    expect(maskArea(small)).toBeGreaterThan(0);
    expect(maskArea(large)).toBeGreaterThan(maskArea(small));
    for (let i = 0; i < large.length; i++) if (large[i]) expect(g.lung.right[i]).toBe(1);
    let cy = 0;
    for (let i = 0; i < large.length; i++) if (large[i]) cy += Math.floor(i / size);
    expect(cy / maskArea(large)).toBeLessThan(g.hilum.right.y);
  });

  it('maps cardiomegaly severity to a heart scale', () => {
    expect(heartScaleFor([])).toBe(1);
    expect(heartScaleFor([{ label: 'cardiomegaly', severity: 'severe' }])).toBeGreaterThan(heartScaleFor([{ label: 'cardiomegaly', severity: 'mild' }]));
  });
});
