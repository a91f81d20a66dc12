/**
 * timm-style model registry: `createVit('tiny', { imageSize: 64 })`.
 */
import { MaskedAutoencoder, type MaeOptions } from './mae.js';
import { VisionTransformer } from './vit.js';
import { resolveMaeConfig, type MaeConfig, type VitConfig } from './vit-config.js';

/**
 * Builds the ViT encoder of preset `name` (`tiny` | `small` | `base`) with `overrides` applied.
 * @example const vit = createVit('base', { imageSize: 224 }); // ViT-B/16
 */
export function createVit(name: string, overrides: Partial<VitConfig> = {}): VisionTransformer {
  return new VisionTransformer(resolveMaeConfig(name, overrides));
}

/**
 * Builds the MAE (encoder + decoder) of preset `name` with `overrides` applied;
 * `{ decoder: false }` builds the masked encoder without the decoder.
 * @example const mae = createMae('tiny', { seed: 1 }); // 192/4/3 encoder, 128/2/4 decoder
 */
export function createMae(name: string, overrides: Partial<MaeConfig> = {}, options: MaeOptions = {}): MaskedAutoencoder {
  return new MaskedAutoencoder(resolveMaeConfig(name, overrides), options);
}
