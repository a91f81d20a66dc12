/**
 * The geometry a transform applied, and how to carry boxes and points through
 * it. Coordinate convention (everywhere in @ecamp/data): continuous pixel
 * coordinates with the origin at the top-left CORNER of the top-left pixel;
 * pixel (col c, row r) covers [c, c+1) × [r, r+1). Boxes are [x1, y1, x2, y2]
 * with x2/y2 exclusive. The crop box is in source pixels (integers). The
 * output maps the crop box [x, x+w) × [y, y+h) onto [0, outW) × [0, outH)
 * (resize), then, if `flip`, mirrors horizontally: x_out = outW − x_resized.
 */
import type { Rng } from '@ecamp/io';

/** Integer crop box in source pixels. */
export interface CropBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The geometry of one transform application. */
export interface TransformGeometry {
  /** Source image size in pixels. */
  sourceSize: { width: number; height: number };
  /** Crop in source pixels (the whole image when nothing was cropped). */
  crop: CropBox;
  /** Horizontal flip applied after the resize. */
  flip: boolean;
  /** Output size in pixels. */
  outSize: { width: number; height: number };
}

/**
 * Samples a random-resized-crop box like torchvision's RandomResizedCrop:
 * up to 10 tries of area ∈ scale·W·H and log-uniform aspect ratio w/h ∈ ratio;
 * then a centre crop with the ratio clamped into range.
 */
export function sampleResizedCrop(
  rng: Rng,
  width: number,
  height: number,
  scale: [number, number] = [0.2, 1],
  ratio: [number, number] = [3 / 4, 4 / 3],
): CropBox {
  const area = width * height;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const y = rng.int(height - h + 1);
      const x = rng.int(width - w + 1);
      return { x, y, w, h };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), w, h };
}

/** Centre square-ish crop of `w × h` (clamped to the image). */
export function centerCropBox(width: number, height: number, w: number, h: number): CropBox {
  const cw = Math.min(w, width);
  const ch = Math.min(h, height);
  return { x: Math.floor((width - cw) / 2), y: Math.floor((height - ch) / 2), w: cw, h: ch };
}

/** Maps a source point (continuous coordinates) to output coordinates. */
export function mapPoint(g: TransformGeometry, x: number, y: number): { x: number; y: number } {
  const sx = g.outSize.width / g.crop.w;
  const sy = g.outSize.height / g.crop.h;
  let ox = (x - g.crop.x) * sx;
  const oy = (y - g.crop.y) * sy;
  if (g.flip) ox = g.outSize.width - ox;
  return { x: ox, y: oy };
}

/**
 * Maps a source box to output coordinates, clipped to the output; returns
 * null when nothing of it is left inside the crop.
 */
export function mapBox(g: TransformGeometry, box: [number, number, number, number]): [number, number, number, number] | null {
  const a = mapPoint(g, box[0], box[1]);
  const b = mapPoint(g, box[2], box[3]);
  const x1 = Math.max(0, Math.min(a.x, b.x));
  const x2 = Math.min(g.outSize.width, Math.max(a.x, b.x));
  const y1 = Math.max(0, Math.min(a.y, b.y));
  const y2 = Math.min(g.outSize.height, Math.max(a.y, b.y));
  return x2 > x1 && y2 > y1 ? [x1, y1, x2, y2] : null;
}
