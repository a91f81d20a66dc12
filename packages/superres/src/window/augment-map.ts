/**
 * Keeps the context window on the same anatomy when the 448 view is augmented.
 *
 * A stored window `(i, j)` (authors' CSV, or our offline pass) refers to the patch grid
 * of the **un-augmented** 448 view: the whole source image resized to 448×448. In
 * pre-training the 448 view is instead a random-resized crop of the source (resized to
 * 448), then optionally flipped horizontally; `@ecamp/data` reports that geometry.
 *
 * Mapping: window cells → source pixels (scale by `sourceSize / view`) → crop-relative
 * view pixels (subtract the crop origin, scale by `view / crop size`) → mirror x when
 * flipped. The mapped box is generally not 12×12 cells any more (a crop zooms in), so we
 * take the 12×12-cell window whose centre is nearest the mapped box's centre, rounded to
 * whole cells and clipped to the grid. For a fixed-size window sliding along one axis,
 * overlap with an interval is maximal at the centred position and falls off monotonically
 * either side, so centring then clipping picks the best-overlapping valid window.
 */
import { ECAMP_WINDOW_GEOMETRY, positionsPerAxis, validateGeometry, viewSizePx, type ContextWindow, type WindowGeometry } from './grid.js';

/** A box in pixels: top-left `(x, y)`, width `w`, height `h`. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The pre-training crop geometry of one 448 view, as `@ecamp/data` reports it. */
export interface CropGeometry {
  /** The random-resized crop in source pixels (before resizing to the view). */
  crop: PixelBox;
  /** True when the view was mirrored left ↔ right after the crop. */
  flip: boolean;
  /** Size of the source image in pixels. */
  sourceSize: { width: number; height: number };
  /** Size of the augmented view, when reported (must be the grid's view, 448×448 for ECAMP). */
  outSize?: { width: number; height: number };
}

/** Result of {@link mapWindowThroughCrop}. */
export interface MappedWindow {
  /** The window to use on the augmented view's grid. */
  window: ContextWindow;
  /** Where the original window lands in the augmented view, in view pixels (unclipped). */
  box: PixelBox;
  /**
   * Fraction of the chosen window's area that shows anatomy of the original window
   * (0 when the crop missed it entirely, 1 when the chosen window lies inside it).
   */
  coverage: number;
}

function checkGeometry(c: CropGeometry): void {
  const { width, height } = c.sourceSize;
  if (!(width > 0) || !(height > 0)) throw new Error(`crop geometry: sourceSize must be positive, got ${width}×${height}`);
  const { x, y, w, h } = c.crop;
  for (const [k, v] of Object.entries({ 'crop.x': x, 'crop.y': y, 'crop.w': w, 'crop.h': h })) {
    if (!Number.isFinite(v)) throw new Error(`crop geometry: ${k} is ${v}`);
  }
  if (!(w > 0) || !(h > 0)) throw new Error(`crop geometry: crop.w and crop.h must be positive, got ${w}×${h}`);
  // Half a pixel of slack: crops come from rounded random draws.
  if (x < -0.5 || y < -0.5 || x + w > width + 0.5 || y + h > height + 0.5) {
    throw new Error(`crop geometry: crop {x:${x}, y:${y}, w:${w}, h:${h}} exceeds the ${width}×${height} source`);
  }
}

/** Overlap length of intervals [a0, a1) and [b0, b1). */
function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Maps a window of the un-augmented view onto the augmented (cropped, maybe flipped)
 * view's grid. See the file comment for the maths and the (i, j) = (row, column) convention.
 */
export function mapWindowThroughCrop(window: ContextWindow, geometry: CropGeometry, grid: WindowGeometry = ECAMP_WINDOW_GEOMETRY): MappedWindow {
  validateGeometry(grid);
  checkGeometry(geometry);
  const view = viewSizePx(grid);
  if (geometry.outSize && (geometry.outSize.width !== view || geometry.outSize.height !== view)) {
    throw new Error(`crop geometry: outSize ${geometry.outSize.width}×${geometry.outSize.height} is not the ${view}×${view} view the window grid describes`);
  }
  const winPx = grid.windowCells * grid.cellPx;
  const { crop, sourceSize, flip } = geometry;
  // Un-augmented view px → source px.
  const sx = sourceSize.width / view;
  const sy = sourceSize.height / view;
  const srcX = window.j * grid.cellPx * sx;
  const srcY = window.i * grid.cellPx * sy;
  // Source px → augmented view px.
  const kx = view / crop.w;
  const ky = view / crop.h;
  let x = (srcX - crop.x) * kx;
  const y = (srcY - crop.y) * ky;
  const w = winPx * sx * kx;
  const h = winPx * sy * ky;
  if (flip) x = view - (x + w);
  const box = { x, y, w, h };

  const last = positionsPerAxis(grid) - 1;
  const toCell = (centre: number) => Math.min(last, Math.max(0, Math.round((centre - winPx / 2) / grid.cellPx)));
  const chosen = { i: toCell(y + h / 2), j: toCell(x + w / 2) };
  const cx0 = chosen.j * grid.cellPx;
  const cy0 = chosen.i * grid.cellPx;
  const coverage = (overlap(cx0, cx0 + winPx, x, x + w) * overlap(cy0, cy0 + winPx, y, y + h)) / (winPx * winPx);
  return { window: chosen, box, coverage };
}
