/**
 * @ecamp/fusion — ECAMP's multi-scale context fusion (the text decoder's first layer:
 * text self-attention, cross-attention to image patch tokens, the projected pooled image
 * token) and feature pyramids for dense downstream heads.
 */

/** The context-fusion layer (satisfies `@ecamp/mlm`'s `FirstTextLayer`). */
export { ContextFusionLayer, type ContextFusionInput, type ContextFusionLayerOptions, type ContextFusionOutput } from './context-fusion-layer.js';
/** Ablation variants of the fusion layer. */
export { FUSION_VARIANTS, parseFusionVariant, usesPatches, usesPooled, type FusionVariant } from './variant.js';
/** Import of PyTorch-layout weights into the fusion layer. */
export { fusionStateFromTorch } from './torch-import.js';
/** Multi-scale feature maps (56/28/14/7 for a 14×14 ViT) for dense heads. */
export { avgPool2x, FeaturePyramid, type FeaturePyramidInput, type FeaturePyramidOptions, type PyramidScale } from './feature-pyramid.js';
/** Learned ×2 upsampling (2×2 stride-2 transposed convolution) and its PyTorch weight import. */
export { deconvWeightFromTorch, Upsample2x, type Upsample2xOptions } from './upsample2x.js';
