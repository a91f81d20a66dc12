/**
 * The geometry of the context window on the patch grid of the 448 view.
 *
 * Convention (used everywhere in this package): the grid has `gridSize × gridSize`
 * cells, cell `(i, j)` is **row i (y, top → bottom), column j (x, left → right)**,
 * and its flat index is `i * gridSize + j` — the row-major order of ViT patch tokens.
 * A window is named by its top-left cell `(i, j)` and covers `windowCells × windowCells`
 * cells, i.e. pixel rows `[i·cellPx, (i+windowCells)·cellPx)` and columns
 * `[j·cellPx, (j+windowCells)·cellPx)` of the high-resolution view.
 */

/** Sizes of the patch grid and of the context window. */
export interface WindowGeometry {
  /** Cells per side of the patch grid (ECAMP: 14 = 224 / 16). */
  gridSize: number;
  /** Cells per side of the window (ECAMP: 12). */
  windowCells: number;
  /** Pixels per cell side in the high-resolution view (ECAMP: 32 = 448 / 14). */
  cellPx: number;
}

/** The top-left cell of a context window: row `i`, column `j`. */
export interface ContextWindow {
  i: number;
  j: number;
}

/** ECAMP's geometry: 14×14 grid of 32 px cells at 448, 12×12-cell window. */
export const ECAMP_WINDOW_GEOMETRY: Readonly<WindowGeometry> = Object.freeze({
  gridSize: 14,
  windowCells: 12,
  cellPx: 32,
});

/** Throws a clear error when the geometry is not usable. */
export function validateGeometry(g: WindowGeometry): void {
  for (const key of ['gridSize', 'windowCells', 'cellPx'] as const) {
    if (!Number.isInteger(g[key]) || g[key] < 1) {
      throw new Error(`window geometry: ${key} must be a positive integer, got ${g[key]}`);
    }
  }
  if (g.windowCells > g.gridSize) {
    throw new Error(`window geometry: windowCells (${g.windowCells}) exceeds gridSize (${g.gridSize})`);
  }
}

/** Number of valid top-left positions per axis: `gridSize − windowCells + 1` (ECAMP: 3). */
export function positionsPerAxis(g: WindowGeometry = ECAMP_WINDOW_GEOMETRY): number {
  return g.gridSize - g.windowCells + 1;
}

/** Side of the high-resolution view in pixels: `gridSize · cellPx` (ECAMP: 448). */
export function viewSizePx(g: WindowGeometry = ECAMP_WINDOW_GEOMETRY): number {
  return g.gridSize * g.cellPx;
}

/**
 * The centred window, used when a report has no entity token. With an even number of
 * positions the lower middle is taken (ECAMP: 3 positions → (1, 1)).
 */
export function centredWindow(g: WindowGeometry = ECAMP_WINDOW_GEOMETRY): ContextWindow {
  const c = Math.floor((positionsPerAxis(g) - 1) / 2);
  return { i: c, j: c };
}

/** True when `(i, j)` is an integer top-left cell of a window that fits the grid. */
export function isValidWindow(w: ContextWindow, g: WindowGeometry = ECAMP_WINDOW_GEOMETRY): boolean {
  const n = positionsPerAxis(g);
  return Number.isInteger(w.i) && Number.isInteger(w.j) && w.i >= 0 && w.j >= 0 && w.i < n && w.j < n;
}

/** The window's pixel box in the high-resolution view: `{x, y, size}` (top-left and side). */
export function windowPixelBox(w: ContextWindow, g: WindowGeometry = ECAMP_WINDOW_GEOMETRY): { x: number; y: number; size: number } {
  return { x: w.j * g.cellPx, y: w.i * g.cellPx, size: g.windowCells * g.cellPx };
}

/** Options of {@link windowGeometryFor}. */
export interface WindowGeometryFor {
  /** Encoder input size in pixels (ECAMP: 224). */
  imageSize: number;
  /** ViT patch size in pixels (ECAMP: 16). */
  patchSize: number;
  /** SR upsampling factor (ECAMP: 2, so the view is 448). */
  scale: number;
  /** Window side in cells (ECAMP: 12). */
  windowCells: number;
}

/**
 * The window geometry of another model size: the grid is the encoder's patch grid
 * (`imageSize / patchSize` cells) and a cell covers `patchSize · scale` pixels of the
 * high-resolution view. ECAMP: (224, 16, 2, 12) → 14 cells of 32 px, 12-cell windows.
 */
export function windowGeometryFor(o: WindowGeometryFor): WindowGeometry {
  if (!Number.isInteger(o.imageSize / o.patchSize))
    throw new Error(`windowGeometryFor: imageSize ${o.imageSize} is not a multiple of patchSize ${o.patchSize}`);
  const g = { gridSize: o.imageSize / o.patchSize, windowCells: o.windowCells, cellPx: o.patchSize * o.scale };
  validateGeometry(g);
  return g;
}
