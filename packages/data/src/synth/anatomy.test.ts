import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/io';
import { buildGeometry, finishExposure, renderSoftTissue } from './anatomy.js';

const centroidX = (m: Uint8Array, size: number) => {
  let s = 0;
  let n = 0;
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    s += i % size;
    n++;
  }
  return s / n;
};

describe('chest geometry', () => {
  it('puts the patient right lung on the image left, with a normal heart size unless enlarged', () => {
    const size = 256;
    const g = buildGeometry(Rng.sfc32(1), size, 1);
    expect(centroidX(g.lung.right, size)).toBeLessThan(size / 2);
    expect(centroidX(g.lung.left, size)).toBeGreaterThan(size / 2);
    expect(g.lung.right.some((v, i) => v && g.lung.left[i])).toBe(false);
    const ctr = (2 * g.heart.rx) / g.thoraxWidthPx;
    expect(ctr).toBeGreaterThan(0.32);
    expect(ctr).toBeLessThan(0.5);
    const big = buildGeometry(Rng.sfc32(1), size, 1.4);
    expect((2 * big.heart.rx) / big.thoraxWidthPx).toBeGreaterThan(0.5);
    // Template ↔ pixel mappings are inverse.
    const p = g.toPx(0.3, 0.4);
    const t = g.toTemplate(p.x, p.y);
    expect(t.u).toBeCloseTo(0.3, 9);
    expect(t.v).toBeCloseTo(0.4, 9);
    expect(g.uOf(10)).toBeCloseTo(g.toTemplate(10.5, 0).u, 12);
  });

  it('renders dark lungs inside bright soft tissue and exposes to varied 8-bit grey', () => {
    const size = 128;
    const rng = Rng.sfc32(2);
    const g = buildGeometry(rng, size, 1);
    const img = renderSoftTissue(g, rng);
    let lung = 0;
    let nl = 0;
    for (let i = 0; i < img.length; i++) {
      if (!g.lung.right[i] || g.heartSoft[i] >= 0.1) continue;
      lung += img[i];
      nl++;
    }
    const mediastinum = img[Math.floor(0.5 * size) * size + Math.floor(size / 2)];
    expect(lung / nl).toBeLessThan(mediastinum - 0.2);
    const out = finishExposure(img, size, rng);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(100);
  });
});
