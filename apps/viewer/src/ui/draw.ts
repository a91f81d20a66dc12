/**
 * Canvas drawing of the viewer's three panels and the colour legend.
 */
import { heatmapPixels, rampColour } from '../lib/heatmap.js';
import type { RgbaImage } from '../lib/image.js';

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error(`canvas #${canvas.id}: no 2-D context`);
  return ctx;
}

function imageCanvas(image: RgbaImage): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = image.width;
  c.height = image.height;
  context(c).putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return c;
}

function gridCanvas(map01: Float32Array, grid: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = grid;
  c.height = grid;
  context(c).putImageData(new ImageData(heatmapPixels(map01, grid), grid, grid), 0, 0);
  return c;
}

/** The radiograph, stretched to the canvas as the encoder's square input is. */
export function drawImage(canvas: HTMLCanvasElement, image: RgbaImage): void {
  const ctx = context(canvas);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(imageCanvas(image), 0, 0, canvas.width, canvas.height);
}

/** One solid block per patch (no smoothing: each block is exactly one patch's value). */
export function drawHeatmap(canvas: HTMLCanvasElement, map01: Float32Array, grid: number): void {
  const ctx = context(canvas);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(gridCanvas(map01, grid), 0, 0, canvas.width, canvas.height);
}

/** The radiograph with the heat-map blended over it at `opacity`. */
export function drawOverlay(canvas: HTMLCanvasElement, image: RgbaImage, map01: Float32Array, grid: number, opacity: number): void {
  const ctx = context(canvas);
  drawImage(canvas, image);
  ctx.globalAlpha = opacity;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(gridCanvas(map01, grid), 0, 0, canvas.width, canvas.height);
  ctx.globalAlpha = 1;
}

/** The colour ramp from least (left) to most attention (right). */
export function drawLegend(canvas: HTMLCanvasElement): void {
  const ctx = context(canvas);
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b] = rampColour(x / (canvas.width - 1));
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, 0, 1, canvas.height);
  }
}
