import { tf, type Parameter } from '@ecamp/core';

/** Options of {@link FeatureEncoder.forwardFeatures}. */
export interface ForwardFeaturesOptions {
  /** Indices of transformer blocks whose outputs are also returned as `layers`, in this order. */
  layers?: number[];
}

/** What {@link FeatureEncoder.forwardFeatures} returns. */
export interface EncoderFeatures {
  /** [B, P + N, D] final tokens: P prefix tokens (the cls token, P = 1) then N = grid² patch tokens, row-major. */
  tokens: tf.Tensor;
  /** [B, P + N, D] outputs of the blocks named in `options.layers`, in that order (the vision ViT's name). */
  layers?: tf.Tensor[];
  /** The same block outputs under their earlier name; adapters may fill either field. */
  intermediates?: tf.Tensor[];
}

/**
 * The vision encoder as downstream evaluation sees it: a structural type, so
 * any ViT works. `@ecamp/vision`'s `VisionTransformer` matches it as is
 * (this package never imports it): `embedDim`, `forwardFeatures(images,
 * { layers }) → { tokens, layers }`, `namedParameters()`, `train()`.
 */
export interface FeatureEncoder {
  /** Token width D. */
  readonly embedDim: number;
  /** Patches per image side (14 for 224 / 16); inferred from the token count (a square grid) when absent. */
  readonly gridSize?: number;
  /** Prefix tokens before the patch tokens (default 1: the cls token). */
  readonly numPrefixTokens?: number;
  /**
   * Encode full (unmasked) images.
   * @param images [B, H, W, 3] normalised
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
 * @param gridSize √N; inferred from N when omitted (N must then be a square)
 * @param numPrefix P
 * @returns [B, gridSize, gridSize, D]
 */
export function tokensToFeatureMap(tokens: tf.Tensor, gridSize: number | undefined, numPrefix: number): tf.Tensor4D {
  const [batch, length, dim] = tokens.shape;
  const grid = gridSize ?? Math.round(Math.sqrt(length - numPrefix));
  if (tokens.rank !== 3 || length !== numPrefix + grid * grid) {
    throw new Error(
      gridSize === undefined
        ? `tokensToFeatureMap: tokens [${tokens.shape}] minus ${numPrefix} prefix tokens do not form a square grid`
        : `tokensToFeatureMap: tokens [${tokens.shape}] are not [B, ${numPrefix} + ${grid}², D] for a ${grid}×${grid} grid`,
    );
  }
  return tokens.slice([0, numPrefix, 0], [batch, grid * grid, dim]).reshape([batch, grid, grid, dim]) as tf.Tensor4D;
}

/**
 * The encoder with its final norm left out: `forwardFeatures(images).tokens` are the last
 * block's output (asked of `encoder` as `layers: [-1]`), which is what the authors' dense heads
 * read (their segmentation and detection ViTs delete `norm`). The encoder must return
 * `layers` (or `intermediates`) for the block index −1, as `@ecamp/vision`'s ViT does.
 *
 * @example
 * const dense = withoutFinalNorm(vit);
 * dense.forwardFeatures(images).tokens; // [B, 1 + N, D] un-normed
 */
export function withoutFinalNorm(encoder: FeatureEncoder): FeatureEncoder {
  return {
    embedDim: encoder.embedDim,
    gridSize: encoder.gridSize,
    numPrefixTokens: encoder.numPrefixTokens,
    forwardFeatures(images: tf.Tensor4D): EncoderFeatures {
      const out = encoder.forwardFeatures(images, { layers: [-1] });
      const last = out.layers?.[0] ?? out.intermediates?.[0];
      if (!last) {
        tf.dispose(out.tokens);
        throw new Error('withoutFinalNorm: the encoder returned no block outputs for layers: [-1]');
      }
      const extra = [out.tokens, ...(out.layers ?? []), ...(out.intermediates ?? [])].filter((t) => t !== last);
      tf.dispose(extra);
      return { tokens: last };
    },
    namedParameters: () => encoder.namedParameters(),
    train: (on: boolean) => encoder.train?.(on),
  };
}
