/**
 * A frozen encoder's outputs computed once per image and served from memory.
 *
 * Frozen-encoder protocols (linear probe, segmentation and detection heads)
 * only ever need the encoder's final tokens of each image. {@link encodeTokens}
 * runs the encoder once over a {@link MemorySet}; {@link CachedTokenEncoder}
 * then satisfies `@ecamp/downstream`'s `FeatureEncoder` by looking tokens up:
 * its "images" are a [B, 1, 1, 1] tensor of row indices into the cache (see
 * {@link rowIndexImages}), so the downstream loops run unchanged while the
 * encoder runs once per image instead of once per image and epoch.
 */
import { tf, type Parameter } from '@ecamp/core';
import type { EncoderFeatures, FeatureEncoder } from '@ecamp/downstream';
import { batchRows, imagesOf, type MemorySet } from './memory-set.js';

/** Final tokens [N, T, D] of every image of a set, row-major. */
export interface TokenCache {
  count: number;
  /** T = prefix + patch tokens. */
  tokens: number;
  /** D. */
  dim: number;
  values: Float32Array;
}

/** Runs `encoder` (evaluation mode) over every image of `set` once, in batches, and keeps the final tokens. */
export function encodeTokens(encoder: FeatureEncoder, set: MemorySet, batchSize = 32): TokenCache {
  encoder.train?.(false);
  let cache: TokenCache | undefined;
  for (const rows of batchRows(set.count, batchSize)) {
    const out = tf.tidy(() => encoder.forwardFeatures(imagesOf(set, rows)).tokens);
    const [b, t, d] = out.shape;
    cache ??= { count: set.count, tokens: t, dim: d, values: new Float32Array(set.count * t * d) };
    cache.values.set(out.dataSync(), rows[0] * t * d);
    out.dispose();
    if (b !== rows.length) throw new Error(`encodeTokens: encoder returned ${b} rows for a batch of ${rows.length}`);
  }
  return cache!;
}

/** Row indices as the [B, 1, 1, 1] "images" a {@link CachedTokenEncoder} reads. */
export function rowIndexImages(rows: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(rows), [rows.length, 1, 1, 1]);
}

/** A `FeatureEncoder` over a {@link TokenCache}: `forwardFeatures(rowIndexImages(rows))` returns the cached tokens of those rows. */
export class CachedTokenEncoder implements FeatureEncoder {
  readonly embedDim: number;
  readonly gridSize: number;
  readonly numPrefixTokens: number;

  constructor(
    readonly cache: TokenCache,
    numPrefixTokens = 1,
  ) {
    this.embedDim = cache.dim;
    this.numPrefixTokens = numPrefixTokens;
    this.gridSize = Math.round(Math.sqrt(cache.tokens - numPrefixTokens));
    if (this.gridSize * this.gridSize + numPrefixTokens !== cache.tokens) {
      throw new Error(`CachedTokenEncoder: ${cache.tokens} tokens minus ${numPrefixTokens} prefix tokens are not a square grid`);
    }
  }

  /** @param images [B, 1, 1, 1] row indices (see {@link rowIndexImages}) @returns the cached [B, T, D] tokens */
  forwardFeatures(images: tf.Tensor4D): EncoderFeatures {
    if (images.rank !== 4 || images.shape[1] !== 1 || images.shape[2] !== 1 || images.shape[3] !== 1) {
      throw new Error(`CachedTokenEncoder: expected [B, 1, 1, 1] row indices, got [${images.shape}] (real images need the real encoder)`);
    }
    const { tokens: t, dim: d, count, values } = this.cache;
    const rows = images.dataSync();
    const out = new Float32Array(rows.length * t * d);
    rows.forEach((r, k) => {
      if (!Number.isInteger(r) || r < 0 || r >= count) throw new Error(`CachedTokenEncoder: row ${r} outside [0, ${count})`);
      out.set(values.subarray(r * t * d, (r + 1) * t * d), k * t * d);
    });
    return { tokens: tf.tensor3d(out, [rows.length, t, d]) };
  }

  /** No parameters: the encoder is frozen by construction. */
  namedParameters(): Parameter[] {
    return [];
  }
}
