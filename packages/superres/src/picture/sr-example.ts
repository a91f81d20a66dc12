/**
 * The picture training writes of one SR example: input (the 224 MIM prediction), target
 * (the real 448 view), SR output (448) — the last two with the context window outlined —
 * and, when given, the entity-attention map on the 14×14 grid (brighter = more attention).
 */
import type { tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, type ContextWindow, type WindowGeometry } from '../window/grid.js';
import { writePanelPng, type PanelImage, type RgbImage } from './panel.js';

/** One example to draw; images are [h, w, C] tensors (C = 1 or 3), normalised. */
export interface SrExample {
  input: tf.Tensor3D;
  target: tf.Tensor3D;
  output: tf.Tensor3D;
  window: ContextWindow;
  /** Entity-attention map, row-major gridSize² (see `entityAttentionMap`). */
  attention?: ArrayLike<number>;
}

/** Options of {@link writeSrExamplePng}. */
export interface SrExamplePictureOptions {
  geometry?: WindowGeometry;
  /** Normalisation of the images (default ECAMP pre-training 0.4721 / 0.3037). */
  mean?: number;
  std?: number;
}

function toPanel(t: tf.Tensor3D, showWindow: boolean, name: string): PanelImage {
  const [h, w, c] = t.shape;
  if (c !== 1 && c !== 3) throw new Error(`SR picture: ${name} must have 1 or 3 channels, got [${t.shape}]`);
  return { pixels: t.dataSync(), height: h, width: w, channels: c, showWindow };
}

/** The panel images of an example, left to right: input, target, output, attention. */
export function srExamplePanels(example: SrExample, opts: SrExamplePictureOptions = {}): PanelImage[] {
  const geometry = opts.geometry ?? ECAMP_WINDOW_GEOMETRY;
  const mean = opts.mean ?? 0.4721;
  const std = opts.std ?? 0.3037;
  const panels = [toPanel(example.input, false, 'input'), toPanel(example.target, true, 'target'), toPanel(example.output, true, 'output')];
  if (example.attention) {
    const n = geometry.gridSize;
    if (example.attention.length !== n * n) throw new Error(`SR picture: attention has ${example.attention.length} values, expected ${n}×${n}`);
    let max = 0;
    for (let k = 0; k < n * n; k++) max = Math.max(max, example.attention[k]);
    // Encode as "normalised pixels" so the panel's de-normalisation maps [0, max] to black..white.
    const pixels = Float32Array.from({ length: n * n }, (_, k) => ((max > 0 ? example.attention![k] / max : 0) - mean) / std);
    panels.push({ pixels, height: n, width: n, channels: 1, showWindow: true });
  }
  return panels;
}

/** Writes the example's picture as PNG (atomically), panels at the target's height. */
export async function writeSrExamplePng(path: string, example: SrExample, opts: SrExamplePictureOptions = {}): Promise<RgbImage> {
  return writePanelPng(path, srExamplePanels(example, opts), {
    window: example.window,
    geometry: opts.geometry,
    mean: opts.mean,
    std: opts.std,
    height: example.target.shape[0],
  });
}
