import type { FeatureEncoder } from '@ecamp/downstream';
import type { VisionTransformer } from '@ecamp/vision';

/**
 * Presents an `@ecamp/vision` ViT as the structural `FeatureEncoder` that
 * `@ecamp/downstream` heads consume (the two packages never import each other;
 * the trainer wires them here).
 */
export function asFeatureEncoder(vit: VisionTransformer): FeatureEncoder {
  const { patchSize, imageSize } = vit.config;
  return {
    embedDim: vit.embedDim,
    gridSize: imageSize / patchSize,
    numPrefixTokens: 1,
    forwardFeatures(images, options) {
      const f = vit.forwardFeatures(images, { layers: options?.layers ?? [] });
      return { tokens: f.tokens, intermediates: f.layers };
    },
    namedParameters: () => vit.namedParameters(),
    train: (on: boolean) => vit.train(on),
  };
}
