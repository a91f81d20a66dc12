/**
 * The report's own pictures: a radiograph with an attention heat-map blended over it and a
 * window outlined, as PNG bytes (`@ecamp/io`'s encoder), for embedding as data URIs.
 */
import { encodePng, rampColour } from '@ecamp/io';

// The ramp is shared with the browser viewer; re-exported for the report's callers and tests.
export { RAMP, rampColour } from '@ecamp/io';

/** Input of {@link attentionPicture}. */
export interface AttentionPictureInput {
  /** Grey values 0..255 of the radiograph, `size`×`size`, row-major. */
  grey: Uint8Array;
  size: number;
  /** Attention per patch, row-major `grid`×`grid` (any scale; drawn min→max). */
  map: ArrayLike<number>;
  grid: number;
  /** Window to outline: top-left cell and side in cells. */
  window?: { i: number; j: number; cells: number };
  /** Pixels per panel side (default 448) and heat-map opacity (default 0.6). */
  panel?: number;
  opacity?: number;
}

/** Red of the window outline (the training pictures use the same red). */
export const WINDOW_RED: readonly [number, number, number] = [255, 0, 0];

/**
 * Two panels side by side, 4 px apart on white: the radiograph, and the radiograph with the
 * heat-map blended over it (one block per patch) and the window outlined in red (3 px).
 * @returns PNG bytes and the raster size
 */
export function attentionPicture(p: AttentionPictureInput): { png: Uint8Array; width: number; height: number } {
  const S = p.panel ?? 448;
  const alpha = p.opacity ?? 0.6;
  if (p.grey.length !== p.size * p.size) throw new Error(`attentionPicture: ${p.grey.length} grey values do not fill ${p.size}×${p.size}`);
  if (p.map.length !== p.grid * p.grid) throw new Error(`attentionPicture: ${p.map.length} attention values do not fill a ${p.grid}×${p.grid} grid`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < p.map.length; k++) {
    lo = Math.min(lo, p.map[k]);
    hi = Math.max(hi, p.map[k]);
  }
  const scaled = (k: number) => (hi > lo ? (p.map[k] - lo) / (hi - lo) : 0);
  const gap = 4;
  const W = 2 * S + gap;
  const rgb = new Uint8Array(W * S * 3).fill(255);
  for (let y = 0; y < S; y++) {
    const sy = Math.min(p.size - 1, Math.floor((y * p.size) / S));
    const gy = Math.min(p.grid - 1, Math.floor((y * p.grid) / S));
    for (let x = 0; x < S; x++) {
      const g = p.grey[sy * p.size + Math.min(p.size - 1, Math.floor((x * p.size) / S))];
      const c = rampColour(scaled(gy * p.grid + Math.min(p.grid - 1, Math.floor((x * p.grid) / S))));
      const left = (y * W + x) * 3;
      const right = (y * W + S + gap + x) * 3;
      for (let k = 0; k < 3; k++) {
        rgb[left + k] = g;
        rgb[right + k] = Math.round(c[k] * alpha + g * (1 - alpha));
      }
    }
  }
  if (p.window) {
    const cell = S / p.grid;
    const x0 = Math.round(p.window.j * cell);
    const y0 = Math.round(p.window.i * cell);
    const x1 = Math.min(S - 1, Math.round((p.window.j + p.window.cells) * cell) - 1);
    const y1 = Math.min(S - 1, Math.round((p.window.i + p.window.cells) * cell) - 1);
    const red = (x: number, y: number) => rgb.set(WINDOW_RED, (y * W + S + gap + x) * 3);
    for (let t = 0; t < 3; t++) {
      for (let x = x0; x <= x1; x++) {
        red(x, Math.min(y1, y0 + t));
        red(x, Math.max(y0, y1 - t));
      }
      for (let y = y0; y <= y1; y++) {
        red(Math.min(x1, x0 + t), y);
        red(Math.max(x0, x1 - t), y);
      }
    }
  }
  return { png: new Uint8Array(encodePng(rgb, W, S)), width: W, height: S };
}
