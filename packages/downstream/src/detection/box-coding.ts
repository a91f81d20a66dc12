import { checkBox, type Box } from '../metrics/box.js';

/** A box in YOLO's cell-relative coding. */
export interface EncodedBox {
  /** Grid row of the cell holding the box centre. */
  row: number;
  /** Grid column of that cell. */
  col: number;
  /** Centre x within the cell, in [0, 1]: the target of σ(t_x). */
  tx: number;
  /** Centre y within the cell, in [0, 1]. */
  ty: number;
  /** log(width / anchor width): the target of t_w. */
  tw: number;
  /** log(height / anchor height). */
  th: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * YOLOv3 coding of `box` for one scale and anchor: the cell containing the
 * centre (clamped to the grid), the centre offset inside it, and the log
 * size ratio to the anchor.
 *
 * @param box `[x1, y1, x2, y2]` with positive width and height, in pixels
 * @param grid cells per side
 * @param imageSize image side in pixels
 * @param anchor [width, height] in pixels
 */
export function encodeBox(box: Box, grid: number, imageSize: number, anchor: readonly [number, number]): EncodedBox {
  checkBox(box, 'encodeBox');
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  if (!(w > 0 && h > 0)) throw new Error(`encodeBox: box [${Array.from(box).join(', ')}] has zero width or height`);
  const stride = imageSize / grid;
  const cx = (box[0] + box[2]) / 2 / stride;
  const cy = (box[1] + box[3]) / 2 / stride;
  const col = Math.min(grid - 1, Math.max(0, Math.floor(cx)));
  const row = Math.min(grid - 1, Math.max(0, Math.floor(cy)));
  return { row, col, tx: cx - col, ty: cy - row, tw: Math.log(w / anchor[0]), th: Math.log(h / anchor[1]) };
}

/**
 * Inverse of {@link encodeBox} from raw network outputs: centre
 * ((col + σ(px))·stride, (row + σ(py))·stride), size anchor·e^{pw}, anchor·e^{ph}.
 *
 * @param raw `[px, py, pw, ph]` raw outputs of one anchor in one cell
 * @returns `[x1, y1, x2, y2]` in pixels
 */
export function decodeBox(
  raw: ArrayLike<number>,
  row: number,
  col: number,
  grid: number,
  imageSize: number,
  anchor: readonly [number, number],
): [number, number, number, number] {
  const stride = imageSize / grid;
  const cx = (col + sigmoid(raw[0])) * stride;
  const cy = (row + sigmoid(raw[1])) * stride;
  const w = anchor[0] * Math.exp(raw[2]);
  const h = anchor[1] * Math.exp(raw[3]);
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** IoU of two boxes of sizes `a` and `b` placed on the same centre (YOLO's anchor matching). */
export function shapeIou(a: readonly [number, number], b: readonly [number, number]): number {
  const inter = Math.min(a[0], b[0]) * Math.min(a[1], b[1]);
  return inter / (a[0] * a[1] + b[0] * b[1] - inter);
}
