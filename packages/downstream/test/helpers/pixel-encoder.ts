import { tf, type Parameter } from '@ecamp/core';
import type { EncoderFeatures, FeatureEncoder } from '../../src/encoder.js';

/**
 * A parameter-free encoder whose "tokens" are the pixels: [B, H, W, 3] →
 * [B, H·W, 3], no prefix token. Makes head outputs computable by hand.
 */
export class PixelEncoder implements FeatureEncoder {
  readonly embedDim = 3;
  readonly patchSize = 1;
  readonly numPrefixTokens = 0;
  constructor(readonly gridSize: number) {}
  forwardFeatures(images: tf.Tensor4D): EncoderFeatures {
    const [b, h, w, c] = images.shape;
    return { tokens: tf.reshape(images, [b, h * w, c]) };
  }
  namedParameters(): Parameter[] {
    return [];
  }
}
