/**
 * The per-pixel mask of each example's context window on the high-resolution view, used
 * by the SR loss: 1 inside `[i·cellPx, (i+windowCells)·cellPx)` rows ×
 * `[j·cellPx, (j+windowCells)·cellPx)` columns, 0 elsewhere ((i, j) = (row, column)).
 */
import { tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, isValidWindow, validateGeometry, viewSizePx, type ContextWindow, type WindowGeometry } from '../window/grid.js';

/**
 * Builds the window masks of a batch.
 * @returns float32 [B, S, S, 1] with S = gridSize·cellPx (ECAMP: 448); the caller disposes it
 */
export function windowMask(windows: readonly ContextWindow[], geometry: WindowGeometry = ECAMP_WINDOW_GEOMETRY): tf.Tensor4D {
  validateGeometry(geometry);
  const size = viewSizePx(geometry);
  const side = geometry.windowCells * geometry.cellPx;
  const data = new Float32Array(windows.length * size * size);
  windows.forEach((w, b) => {
    if (!isValidWindow(w, geometry)) {
      throw new Error(`windowMask: window ${b} (i=${w.i}, j=${w.j}) does not fit a ${geometry.gridSize}-cell grid with ${geometry.windowCells}-cell windows`);
    }
    const y0 = w.i * geometry.cellPx;
    const x0 = w.j * geometry.cellPx;
    for (let y = y0; y < y0 + side; y++) data.fill(1, (b * size + y) * size + x0, (b * size + y) * size + x0 + side);
  });
  return tf.tensor4d(data, [windows.length, size, size, 1]);
}
