import { describe, expect, it } from 'vitest';
import { mapWindowThroughCrop, type CropGeometry } from './augment-map.js';

const full = (width: number, height: number, flip = false): CropGeometry => ({
  crop: { x: 0, y: 0, w: width, h: height },
  flip,
  sourceSize: { width, height },
});

describe('mapWindowThroughCrop', () => {
  it('is the identity for the full, unflipped image (any source size)', () => {
    for (const [W, H] of [
      [448, 448],
      [1024, 800],
      [300, 500],
    ]) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const m = mapWindowThroughCrop({ i, j }, full(W, H));
          expect(m.window).toEqual({ i, j });
          expect(m.coverage).toBeCloseTo(1, 12);
        }
      }
    }
  });

  it('mirrors the column, not the row, under a horizontal flip', () => {
    expect(mapWindowThroughCrop({ i: 0, j: 0 }, full(1000, 1000, true)).window).toEqual({ i: 0, j: 2 });
    expect(mapWindowThroughCrop({ i: 2, j: 2 }, full(1000, 1000, true)).window).toEqual({ i: 2, j: 0 });
    expect(mapWindowThroughCrop({ i: 1, j: 1 }, full(1000, 1000, true)).window).toEqual({ i: 1, j: 1 });
  });

  it('follows a crop that shifts the anatomy', () => {
    // Source 448×448; the crop keeps x ∈ [64, 448), y ∈ [32, 448) and resizes it to 448.
    // Window (2, 2) covers source [64, 448)²: in the view x ∈ [0, 448) (the crop's left edge),
    // y from (64 − 32)·448/416 ≈ 34.5, height 384·448/416 ≈ 413.5 → centre y ≈ 241.2.
    // Top-left cell = round((centre − 192) / 32): x → 1, y → round(1.54) = 2.
    const geo = { crop: { x: 64, y: 32, w: 384, h: 416 }, flip: false, sourceSize: { width: 448, height: 448 } };
    const m = mapWindowThroughCrop({ i: 2, j: 2 }, geo);
    expect(m.box.x).toBeCloseTo(0, 9);
    expect(m.box.y).toBeCloseTo(32 * (448 / 416), 9);
    expect(m.box.w).toBeCloseTo(448, 9);
    expect(m.window).toEqual({ i: 2, j: 1 });
    expect(m.coverage).toBeCloseTo((448 - 64 - 0.04) / 384, 3);
    // Window (0, 0) covers source [0, 384)²: view x centre ≈ 149.3 → −1.3 → clipped to 0.
    expect(mapWindowThroughCrop({ i: 0, j: 0 }, geo).window).toEqual({ i: 0, j: 0 });
  });

  it('keeps the chosen window centred on the anatomy under a zooming crop', () => {
    // A small crop centred on the lower-right part of the source zooms in: the whole view
    // shows window (2,2)'s anatomy, so the chosen window is the centred one, fully covered.
    // Window (2, 2) covers source [64, 448)², centre 256; the crop [156, 356)² is centred on it.
    const m = mapWindowThroughCrop({ i: 2, j: 2 }, { crop: { x: 156, y: 156, w: 200, h: 200 }, flip: false, sourceSize: { width: 448, height: 448 } });
    expect(m.window).toEqual({ i: 1, j: 1 });
    expect(m.coverage).toBeCloseTo(1, 9);
  });

  it('reports low coverage when the crop misses the window', () => {
    // Window (0,0) covers source rows/cols [0, 384); a crop of the bottom-right 64×64 corner misses most of it.
    const m = mapWindowThroughCrop({ i: 0, j: 0 }, { crop: { x: 384, y: 384, w: 64, h: 64 }, flip: false, sourceSize: { width: 448, height: 448 } });
    expect(m.window).toEqual({ i: 0, j: 0 });
    expect(m.coverage).toBe(0);
  });

  it('commutes flip with an offset crop: flipping mirrors j around the centre', () => {
    const crop = { x: 100, y: 40, w: 700, h: 760 };
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const a = mapWindowThroughCrop({ i, j }, { crop, flip: false, sourceSize: { width: 900, height: 800 } });
        const b = mapWindowThroughCrop({ i, j }, { crop, flip: true, sourceSize: { width: 900, height: 800 } });
        expect(b.window.i).toBe(a.window.i);
        expect(b.box.x).toBeCloseTo(448 - a.box.x - a.box.w, 9);
      }
    }
  });

  it("accepts @ecamp/data's geometry (with outSize) and rejects a view of another size", () => {
    const geo = { crop: { x: 0, y: 0, w: 500, h: 500 }, flip: true, sourceSize: { width: 500, height: 500 }, outSize: { width: 448, height: 448 } };
    expect(mapWindowThroughCrop({ i: 0, j: 0 }, geo).window).toEqual({ i: 0, j: 2 });
    expect(() => mapWindowThroughCrop({ i: 0, j: 0 }, { ...geo, outSize: { width: 224, height: 224 } })).toThrow(/outSize 224×224 is not the 448×448 view/);
  });

  it('rejects a crop outside the source, naming the field', () => {
    expect(() => mapWindowThroughCrop({ i: 0, j: 0 }, { crop: { x: 0, y: 0, w: 600, h: 100 }, flip: false, sourceSize: { width: 500, height: 500 } })).toThrow(
      /exceeds the 500×500 source/,
    );
    expect(() => mapWindowThroughCrop({ i: 0, j: 0 }, { crop: { x: 0, y: 0, w: 0, h: 100 }, flip: false, sourceSize: { width: 500, height: 500 } })).toThrow(
      /crop.w/,
    );
    expect(() => mapWindowThroughCrop({ i: 0, j: 0 }, { crop: { x: NaN, y: 0, w: 10, h: 100 }, flip: false, sourceSize: { width: 500, height: 500 } })).toThrow(
      /crop.x/,
    );
  });
});

describe('mapWindowThroughCrop on real resampling', () => {
  it('keeps the anatomy: the marker lands in the mapped box, and the chosen window overlaps it best', async () => {
    const { Rng } = await import('../../test/helpers/rng.js');
    const rng = new Rng(2026);
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const W = 300 + Math.floor(rng.next() * 700);
      const H = 300 + Math.floor(rng.next() * 700);
      const stored = { i: Math.floor(rng.next() * 3), j: Math.floor(rng.next() * 3) };
      // Marker: a source point well inside the stored window (its central 8×8 cells of the un-augmented view).
      const mx = ((stored.j * 32 + 64 + rng.next() * 256) * W) / 448;
      const my = ((stored.i * 32 + 64 + rng.next() * 256) * H) / 448;
      // Random-resized crop, scale 0.2–1 of the area, aspect 3/4–4/3 (torchvision's ranges), then maybe a flip.
      const area = W * H * (0.2 + 0.8 * rng.next());
      const aspect = Math.exp(Math.log(3 / 4) + rng.next() * Math.log(16 / 9));
      const cw = Math.min(W, Math.round(Math.sqrt(area * aspect)));
      const ch = Math.min(H, Math.round(Math.sqrt(area / aspect)));
      const crop = { x: Math.floor(rng.next() * (W - cw + 1)), y: Math.floor(rng.next() * (H - ch + 1)), w: cw, h: ch };
      const flip = rng.next() < 0.5;
      if (mx < crop.x || mx >= crop.x + cw || my < crop.y || my >= crop.y + ch) continue; // marker cropped away
      // Where the marker appears in the augmented 448 view (resize of the crop, then mirror).
      let vx = ((mx - crop.x) * 448) / cw;
      const vy = ((my - crop.y) * 448) / ch;
      if (flip) vx = 448 - vx;
      const m = mapWindowThroughCrop(stored, { crop, flip, sourceSize: { width: W, height: H } });
      // 1. The mapped box is where the stored window's anatomy went: it contains the marker.
      expect(
        vx >= m.box.x - 1e-6 && vx <= m.box.x + m.box.w + 1e-6 && vy >= m.box.y - 1e-6 && vy <= m.box.y + m.box.h + 1e-6,
        `trial ${t}: marker outside box`,
      ).toBe(true);
      // 2. No valid window overlaps that anatomy more than the chosen one (brute force over all 9).
      const ov = (w: { i: number; j: number }) =>
        Math.max(0, Math.min(w.j * 32 + 384, m.box.x + m.box.w) - Math.max(w.j * 32, m.box.x)) *
        Math.max(0, Math.min(w.i * 32 + 384, m.box.y + m.box.h) - Math.max(w.i * 32, m.box.y));
      let best = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) best = Math.max(best, ov({ i, j }));
      expect(ov(m.window), `trial ${t}`).toBeGreaterThanOrEqual(best - 1e-6);
      expect(m.coverage).toBeCloseTo(ov(m.window) / (384 * 384), 9);
      // 3. When the anatomy fits in a window (no zoom), the chosen window contains the marker.
      const inside = vx >= m.window.j * 32 && vx < m.window.j * 32 + 384 && vy >= m.window.i * 32 && vy < m.window.i * 32 + 384;
      if (m.box.w <= 384 && m.box.h <= 384) expect(inside, `trial ${t}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
