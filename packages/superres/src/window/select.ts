/**
 * Choice of the context window: the `windowCells × windowCells` sub-grid of a
 * `gridSize × gridSize` attention map with the largest attention mass, found with an
 * integral image (summed-area table) so every candidate costs four look-ups.
 */
import { ECAMP_WINDOW_GEOMETRY, positionsPerAxis, validateGeometry, type ContextWindow, type WindowGeometry } from './grid.js';

/** A chosen window with the attention mass inside it. */
export interface WindowChoice extends ContextWindow {
  /** Sum of the map over the window's cells. */
  mass: number;
}

/**
 * Summed-area table of a row-major `n × n` map: `S[(r)·(n+1) + c]` is the sum of
 * `map[y·n + x]` over `y < r`, `x < c`. Shape (n+1)×(n+1), first row and column zero.
 * Accumulated in float64 so that tiny attention values are not lost.
 */
export function integralImage(map: ArrayLike<number>, n: number): Float64Array {
  if (map.length !== n * n) {
    throw new Error(`integralImage: map has ${map.length} values, expected ${n}×${n} = ${n * n}`);
  }
  const w = n + 1;
  const s = new Float64Array(w * w);
  for (let y = 0; y < n; y++) {
    let rowSum = 0;
    for (let x = 0; x < n; x++) {
      rowSum += map[y * n + x];
      s[(y + 1) * w + x + 1] = s[y * w + x + 1] + rowSum;
    }
  }
  return s;
}

/** Sum of the map over rows `[r0, r0+h)` and columns `[c0, c0+wd)` from its integral image. */
export function boxSum(integral: Float64Array, n: number, r0: number, c0: number, h: number, wd: number): number {
  const w = n + 1;
  return integral[(r0 + h) * w + c0 + wd] - integral[r0 * w + c0 + wd] - integral[(r0 + h) * w + c0] + integral[r0 * w + c0];
}

/**
 * The window with the largest mass in a row-major `gridSize²` map (see `grid.ts` for
 * the (i, j) = (row, column) convention). Ties go to the window closest to the centre,
 * then to the smallest (i, j) in row-major order, so the choice is deterministic.
 * Non-finite map values are rejected.
 */
export function selectWindow(map: ArrayLike<number>, geometry: WindowGeometry = ECAMP_WINDOW_GEOMETRY): WindowChoice {
  validateGeometry(geometry);
  const n = geometry.gridSize;
  for (let k = 0; k < map.length; k++) {
    if (!Number.isFinite(map[k])) throw new Error(`selectWindow: attention map value at cell ${k} is ${map[k]}`);
  }
  const integral = integralImage(map, n);
  const p = positionsPerAxis(geometry);
  const centre = (p - 1) / 2;
  let best: WindowChoice | null = null;
  let bestDist = Infinity;
  // Relative tolerance: masses that differ only by float rounding count as ties.
  const tol = 1e-12;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const mass = boxSum(integral, n, i, j, geometry.windowCells, geometry.windowCells);
      const dist = Math.abs(i - centre) + Math.abs(j - centre);
      if (best === null) {
        best = { i, j, mass };
        bestDist = dist;
        continue;
      }
      const scale = Math.max(Math.abs(mass), Math.abs(best.mass), 1e-30);
      if (mass > best.mass + tol * scale || (Math.abs(mass - best.mass) <= tol * scale && dist < bestDist)) {
        best = { i, j, mass };
        bestDist = dist;
      }
    }
  }
  return best!;
}
