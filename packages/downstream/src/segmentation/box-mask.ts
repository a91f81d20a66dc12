import { checkBox, type Box } from '../metrics/box.js';

/**
 * Rasterise boxes into a 0/1 mask (RSNA Pneumonia's segmentation protocol:
 * boxes filled as masks). Pixel (x, y) is inside when its centre
 * (x + ½, y + ½) lies inside a box; boxes are clipped to the image.
 *
 * @param boxes `[x1, y1, x2, y2]` in pixels of the target resolution
 * @returns [height·width] row-major mask
 */
export function boxesToMask(boxes: readonly Box[], height: number, width: number): Uint8Array {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new Error(`boxesToMask: size ${height}×${width} must be positive integers`);
  }
  const mask = new Uint8Array(height * width);
  boxes.forEach((box, k) => {
    checkBox(box, `boxesToMask: box ${k}`);
    // Centre inside [x1, x2): columns ceil(x1 − ½) … ceil(x2 − ½) − 1.
    const x0 = Math.max(0, Math.ceil(box[0] - 0.5));
    const x1 = Math.min(width, Math.ceil(box[2] - 0.5));
    const y0 = Math.max(0, Math.ceil(box[1] - 0.5));
    const y1 = Math.min(height, Math.ceil(box[3] - 0.5));
    for (let y = y0; y < y1; y++) mask.fill(1, y * width + x0, y * width + Math.max(x0, x1));
  });
  return mask;
}
