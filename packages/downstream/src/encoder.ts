import type { Parameter, tf } from '@ecamp/core';

/** Options of {@link FeatureEncoder.forwardFeatures}. */
export interface ForwardFeaturesOptions {
  /** Indices of transformer blocks whose outputs are also returned as `intermediates`, in this order. */
  layers?: number[];
}

/** What {@link FeatureEncoder.forwardFeatures} returns. */
export interface EncoderFeatures {
  /** [B, P + N, D] final tokens: P prefix tokens (the cls token, P = 1) then N = gridSize² patch tokens. */
  tokens: tf.Tensor;
  /** [B, P + N, D] outputs of the blocks named in `layers`. */
  intermediates?: tf.Tensor[];
}

/**
 * The vision encoder as downstream evaluation sees it: a structural type, so
 * any ViT works (the `@ecamp/vision` ViT matches it; this package never imports it).
 */
export interface FeatureEncoder {
  /** Token width D. */
  readonly embedDim: number;
  /** Patch side in pixels (16 for ViT-B/16). */
  readonly patchSize: number;
  /** Patches per image side (14 for 224 / 16). */
  readonly gridSize: number;
  /** Prefix tokens before the patch tokens (1 = the cls token; default 1 when absent). */
  readonly numPrefixTokens?: number;
  /**
   * Encode full (unmasked) images.
   * @param images [B, H, W, 3] normalised, H = W = gridSize · patchSize
   */
  forwardFeatures(images: tf.Tensor4D, options?: ForwardFeaturesOptions): EncoderFeatures;
  /** Every parameter with its dotted name (trainable and frozen). */
  namedParameters(): Parameter[];
  /** Training (dropout on) or evaluation mode; optional for encoders without such state. */
  train?(on: boolean): unknown;
}

/** Number of prefix tokens of `encoder` (the cls token by default). */
export function prefixTokens(encoder: Pick<FeatureEncoder, 'numPrefixTokens'>): number {
  return encoder.numPrefixTokens ?? 1;
}

/**
 * The patch tokens of an encoder output as a channels-last feature map.
 *
 * @param tokens [B, P + N, D]
 * @param gridSize √N
 * @param numPrefix P
 * @returns [B, gridSize, gridSize, D]
 */
export function tokensToFeatureMap(tokens: tf.Tensor, gridSize: number, numPrefix: number): tf.Tensor4D {
  const [batch, length, dim] = tokens.shape;
  if (tokens.rank !== 3 || length !== numPrefix + gridSize * gridSize) {
    throw new Error(
      `tokensToFeatureMap: tokens [${tokens.shape}] are not [B, ${numPrefix} + ${gridSize}², D] for a ${gridSize}×${gridSize} grid`,
    );
  }
  return tokens.slice([0, numPrefix, 0], [batch, gridSize * gridSize, dim]).reshape([batch, gridSize, gridSize, dim]) as tf.Tensor4D;
}
