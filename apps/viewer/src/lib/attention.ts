/**
 * One timed run of the encoder: the class token's attention in one block, as the raw per-patch
 * probabilities and as the [0, 1] heat-map drawn over the image.
 */
import { tf } from '@ecamp/core';
import { clsAttentionMap, type VisionTransformer } from '@ecamp/vision';
import { normaliseMap } from './heatmap.js';

/** Options of {@link clsAttention}. */
export interface ClsAttentionOptions {
  /** Block (negative counts from the end; default −1, the last). */
  layer?: number;
  /** One head instead of the mean over heads. */
  head?: number;
}

/** Result of {@link clsAttention}. */
export interface AttentionResult {
  /** Patches per side. */
  grid: number;
  /** Probability the class token gives each patch (row-major, grid²). */
  raw: Float32Array;
  /** `raw` scaled to [0, 1] — the heat-map's values. */
  map: Float32Array;
  /** Milliseconds from the input tensor to the values on the CPU (includes GPU program compilation on a first WebGL/WebGPU run). */
  ms: number;
  /** The block used (0-based). */
  layer: number;
}

/** Runs the encoder on `input` [1, S, S, 3] up to block `layer` and reads the class-token map. */
export async function clsAttention(vit: VisionTransformer, input: tf.Tensor4D, options: ClsAttentionOptions = {}): Promise<AttentionResult> {
  const depth = vit.config.depth;
  const layer = options.layer ?? -1;
  const started = performance.now();
  const map = tf.tidy(() => clsAttentionMap(vit.forwardAttention(input, { layer }), { head: options.head }));
  let raw: Float32Array;
  try {
    raw = (await map.data()) as Float32Array;
  } finally {
    map.dispose();
  }
  const ms = performance.now() - started;
  const grid = vit.config.imageSize / vit.config.patchSize;
  return { grid, raw, map: normaliseMap(raw), ms, layer: layer < 0 ? depth + layer : layer };
}
