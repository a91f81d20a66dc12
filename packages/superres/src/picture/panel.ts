/**
 * Side-by-side picture of SR images for a human to look at: e.g. MIM input (224),
 * target (448 view), SR output (448), each shown at the panel height (nearest-neighbour
 * scaling), de-normalised to 0..255, with the context window outlined in red.
 */
import { encodePng, writeFileAtomic } from '@ecamp/io';
import type { ContextWindow, WindowGeometry } from '../window/grid.js';
import { ECAMP_WINDOW_GEOMETRY, windowPixelBox, viewSizePx } from '../window/grid.js';

/** One image of the panel: row-major HWC float pixels (1 or 3 channels), normalised. */
export interface PanelImage {
  pixels: ArrayLike<number>;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Outline the context window on this image (its coordinates are scaled from the 448 view). */
  showWindow?: boolean;
}

/** Options of {@link renderPanel}. */
export interface PanelOptions {
  /** Window to outline on images with `showWindow`. */
  window?: ContextWindow;
  geometry?: WindowGeometry;
  /** Normalisation to undo, `pixel·std + mean` in 0..1 (default ECAMP pre-training 0.4721/0.3037). */
  mean?: number;
  std?: number;
  /** Panel height in pixels (default: the tallest image). */
  height?: number;
  /** Gap between images in pixels (default 4). */
  gap?: number;
}

/** An RGB raster. */
export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Renders images left to right into one RGB raster (see the file comment). */
export function renderPanel(images: readonly PanelImage[], options: PanelOptions = {}): RgbImage {
  if (images.length === 0) throw new Error('renderPanel: no images');
  const mean = options.mean ?? 0.4721;
  const std = options.std ?? 0.3037;
  const gap = options.gap ?? 4;
  const geometry = options.geometry ?? ECAMP_WINDOW_GEOMETRY;
  const H = options.height ?? Math.max(...images.map((im) => im.height));
  const widths = images.map((im) => Math.round((im.width * H) / im.height));
  const W = widths.reduce((a, b) => a + b, 0) + gap * (images.length - 1);
  const rgb = new Uint8Array(W * H * 3).fill(255);
  let x0 = 0;
  images.forEach((im, k) => {
    if (im.pixels.length !== im.height * im.width * im.channels) {
      throw new Error(`renderPanel: image ${k} has ${im.pixels.length} values, expected ${im.height}·${im.width}·${im.channels}`);
    }
    const w = widths[k];
    for (let y = 0; y < H; y++) {
      const sy = Math.min(im.height - 1, Math.floor((y * im.height) / H));
      for (let x = 0; x < w; x++) {
        const sx = Math.min(im.width - 1, Math.floor((x * im.width) / w));
        const o = (y * W + x0 + x) * 3;
        for (let c = 0; c < 3; c++) {
          const v = im.pixels[(sy * im.width + sx) * im.channels + (im.channels === 3 ? c : 0)] * std + mean;
          rgb[o + c] = Math.max(0, Math.min(255, Math.round(v * 255)));
        }
      }
    }
    if (im.showWindow && options.window) {
      const box = windowPixelBox(options.window, geometry);
      const s = w / viewSizePx(geometry);
      const bx0 = Math.round(box.x * s),
        by0 = Math.round(box.y * (H / viewSizePx(geometry)));
      const bx1 = Math.min(w - 1, Math.round((box.x + box.size) * s) - 1);
      const by1 = Math.min(H - 1, Math.round((box.y + box.size) * (H / viewSizePx(geometry))) - 1);
      const red = (x: number, y: number) => {
        const o = (y * W + x0 + x) * 3;
        rgb[o] = 255;
        rgb[o + 1] = 0;
        rgb[o + 2] = 0;
      };
      for (let t = 0; t < 2; t++) {
        for (let x = bx0; x <= bx1; x++) {
          red(x, Math.min(H - 1, by0 + t));
          red(x, Math.max(0, by1 - t));
        }
        for (let y = by0; y <= by1; y++) {
          red(Math.min(w - 1, bx0 + t), y);
          red(Math.max(0, bx1 - t), y);
        }
      }
    }
    x0 += w + gap;
  });
  return { rgb, width: W, height: H };
}

/** Renders the panel and writes it as PNG atomically and durably (temp file, fsync, rename). */
export async function writePanelPng(path: string, images: readonly PanelImage[], options: PanelOptions = {}): Promise<RgbImage> {
  const img = renderPanel(images, options);
  writeFileAtomic(path, encodePng(img.rgb, img.width, img.height));
  return img;
}
