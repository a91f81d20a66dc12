/**
 * Heat-map values and colours (no DOM): attention over the patch grid scaled to [0, 1] and mapped
 * through a dark-to-bright colour ramp.
 */
import { rampColour } from '@ecamp/io/colour-ramp';

/** Min–max scaling to [0, 1] (all zeros when every value is the same). */
export function normaliseMap(values: ArrayLike<number>): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const out = new Float32Array(values.length);
  if (!(hi > lo)) return out;
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - lo) / (hi - lo);
  return out;
}

// The ramp is shared with the trainer's report pictures (@ecamp/io, browser-safe subpath).
export { RAMP, rampColour } from '@ecamp/io/colour-ramp';

/** A grid×grid RGBA picture of a [0, 1] map (opaque), row-major like the ViT's patch tokens. */
export function heatmapPixels(map01: ArrayLike<number>, grid: number): Uint8ClampedArray<ArrayBuffer> {
  if (map01.length !== grid * grid) throw new Error(`heatmapPixels: ${map01.length} values do not fill a ${grid}×${grid} grid`);
  const px = new Uint8ClampedArray(grid * grid * 4);
  for (let i = 0; i < map01.length; i++) {
    const [r, g, b] = rampColour(map01[i]);
    px.set([r, g, b, 255], 4 * i);
  }
  return px;
}
