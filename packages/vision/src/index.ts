/**
 * @ecamp/vision — the ViT encoder and MAE of ECAMP.ts: patch embedding, fixed 2-D sin-cos
 * positions, per-sample random masking, the MAE decoder and loss, a timm-style preset registry,
 * and import of timm/MAE (PyTorch) weights through one explicit name-and-layout mapping.
 * @packageDocumentation
 */

/** Presets (`tiny`, `small`, `base`), config types and validation. */
export {
  VIT_PRESETS,
  listVitPresets,
  resolveMaeConfig,
  validateVitConfig,
  validateMaeConfig,
  type VitConfig,
  type MaeConfig,
  type VitPresetName,
} from './vit-config.js';
/** `createVit(name, overrides)` / `createMae(name, overrides)`, like timm's `create_model`. */
export { createVit, createMae } from './registry.js';
/** The ViT encoder (`forwardFeatures` for downstream use) and a seeded normal initialiser. */
export { VisionTransformer, normalTensor, type ForwardFeaturesOptions, type ForwardAttentionOptions, type VitFeatures } from './vit.js';
/** What the class token attends to, per patch (from `VisionTransformer.forwardAttention`). */
export { clsAttentionMap } from './attention-map.js';
/** MAE: `forwardEncoder`, `forwardDecoder`, `forwardLoss`, `forwardPretrain`. */
export { MaskedAutoencoder, type MaeEncoderOutput, type MaeOptions, type MaeOutput, type MaskingSource } from './mae.js';
/** Patch embedding as a Linear over flattened (p, q, c) patches. */
export { PatchEmbed, type PatchEmbedOptions } from './patch-embed.js';
/** NHWC images ↔ per-patch pixel vectors in MAE's layout. */
export { patchify, unpatchify, patchGrid, type PatchGrid } from './patchify.js';
/** MAE's fixed 2-D sine-cosine position table (and the 1-D one it is built from). */
export { sincosPositionEmbedding2d, sincosPositionEmbedding1d, type SincosOptions } from './pos-embed.js';
/** Per-sample random masking indices with MAE's `random_masking` semantics. */
export { randomMaskingIndices, maskingFromNoise, lenKeepFor, type MaskingIndices, type UniformSource } from './masking.js';
/** MAE reconstruction picture (visible input patches + predicted removed ones, norm-pix undone). */
export { maeReconstruction, type ReconstructionOptions } from './reconstruct.js';
/** MSE on removed patches, optional per-patch normalised target. */
export { maeLoss, type MaeLossOptions } from './mae-loss.js';
/** Repeat a `[1, 1, D]` token over a batch with a cheap gradient. */
export { broadcastToken } from './broadcast-token.js';
/** The single timm/MAE ↔ ECAMP.ts name-and-layout mapping (a timm "checkpoint filter"). */
export {
  timmToEcamp,
  ecampToTimm,
  transposeLinear,
  convToPatchLinear,
  patchLinearToConv,
  type TensorData,
  type CheckpointFilterOptions,
  type FilteredCheckpoint,
} from './checkpoint-filter.js';
/** Load timm/MAE weights (a state dict or a safetensors file) into a ViT or MAE. */
export { loadTimmWeights, loadTimmSafetensors, toFloatState, type LoadTimmOptions, type LoadTimmReport } from './import-weights.js';
/** Save a ViT or MAE as a timm/MAE state dict (PyTorch names and layouts) for PyTorch to load. */
export { exportTimmState, saveTimmSafetensors } from './export-weights.js';
