/**
 * ViT and MAE hyper-parameters, their presets and validation.
 */

/** ViT encoder hyper-parameters. */
export interface VitConfig {
  /** Square input side in pixels (224 in the paper). */
  imageSize: number;
  /** Square patch side p (16). */
  patchSize: number;
  /** Image channels C (3). */
  inChannels: number;
  /** Token width D. */
  embedDim: number;
  /** Number of transformer blocks. */
  depth: number;
  /** Attention heads per block. */
  numHeads: number;
  /** MLP hidden = D · mlpRatio (4). */
  mlpRatio: number;
  /** LayerNorm epsilon (1e-6, as timm ViT / MAE). */
  normEps: number;
  /** Seed of the parameter initialisation. */
  seed: number;
}

/** MAE = ViT encoder + light decoder. */
export interface MaeConfig extends VitConfig {
  /** Decoder token width. */
  decoderEmbedDim: number;
  /** Decoder blocks. */
  decoderDepth: number;
  /** Decoder attention heads. */
  decoderNumHeads: number;
  /** Fraction of patches removed (0.75). */
  maskRatio: number;
  /** Per-patch normalised target (MAE's `norm_pix_loss`). */
  normPixLoss: boolean;
}

/** Names of the registered presets. */
export type VitPresetName = 'tiny' | 'small' | 'base';

const COMMON = { imageSize: 224, patchSize: 16, inChannels: 3, mlpRatio: 4, normEps: 1e-6, seed: 0, maskRatio: 0.75, normPixLoss: false };

/**
 * Registered presets. `tiny` is the CPU default (192/4/3, decoder 128/2/4); `base` is the paper's
 * ViT-B/16 with MAE's decoder (512/4/16); `small` (384/12/6) uses a 256/4/8 decoder (our choice:
 * MAE published no small decoder).
 */
export const VIT_PRESETS: Readonly<Record<VitPresetName, Readonly<MaeConfig>>> = {
  tiny: { ...COMMON, embedDim: 192, depth: 4, numHeads: 3, decoderEmbedDim: 128, decoderDepth: 2, decoderNumHeads: 4 },
  small: { ...COMMON, embedDim: 384, depth: 12, numHeads: 6, decoderEmbedDim: 256, decoderDepth: 4, decoderNumHeads: 8 },
  base: { ...COMMON, embedDim: 768, depth: 12, numHeads: 12, decoderEmbedDim: 512, decoderDepth: 4, decoderNumHeads: 16 },
};

/** Names of every registered preset. */
export function listVitPresets(): VitPresetName[] {
  return Object.keys(VIT_PRESETS) as VitPresetName[];
}

/** Preset `name` with `overrides` applied and validated; throws naming the bad field. */
export function resolveMaeConfig(name: string, overrides: Partial<MaeConfig> = {}): MaeConfig {
  const preset = (VIT_PRESETS as Record<string, MaeConfig | undefined>)[name];
  if (!preset) throw new Error(`unknown ViT preset '${name}' (registered: ${listVitPresets().join(', ')})`);
  const cfg: MaeConfig = { ...preset, ...overrides };
  validateMaeConfig(cfg);
  return cfg;
}

function positiveInt(cfg: object, field: string): void {
  const v = (cfg as Record<string, unknown>)[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`ViT config: ${field} must be a positive integer, got ${String(v)}`);
}

/** Checks an encoder config; throws naming the field. */
export function validateVitConfig(cfg: VitConfig): void {
  for (const f of ['imageSize', 'patchSize', 'inChannels', 'embedDim', 'depth', 'numHeads'] as const) positiveInt(cfg, f);
  if (cfg.imageSize % cfg.patchSize !== 0) throw new Error(`ViT config: imageSize ${cfg.imageSize} is not a multiple of patchSize ${cfg.patchSize}`);
  if (cfg.embedDim % 4 !== 0) throw new Error(`ViT config: embedDim ${cfg.embedDim} must be a multiple of 4 (2-D sin-cos positions)`);
  if (cfg.embedDim % cfg.numHeads !== 0) throw new Error(`ViT config: embedDim ${cfg.embedDim} is not divisible by numHeads ${cfg.numHeads}`);
  if (!(cfg.mlpRatio > 0)) throw new Error(`ViT config: mlpRatio must be > 0, got ${cfg.mlpRatio}`);
  if (!(cfg.normEps > 0)) throw new Error(`ViT config: normEps must be > 0, got ${cfg.normEps}`);
  if (!Number.isFinite(cfg.seed)) throw new Error(`ViT config: seed must be a finite number, got ${cfg.seed}`);
}

/** Checks an MAE config; throws naming the field. */
export function validateMaeConfig(cfg: MaeConfig): void {
  validateVitConfig(cfg);
  for (const f of ['decoderEmbedDim', 'decoderDepth', 'decoderNumHeads'] as const) positiveInt(cfg, f);
  if (cfg.decoderEmbedDim % 4 !== 0) throw new Error(`MAE config: decoderEmbedDim ${cfg.decoderEmbedDim} must be a multiple of 4`);
  if (cfg.decoderEmbedDim % cfg.decoderNumHeads !== 0) {
    throw new Error(`MAE config: decoderEmbedDim ${cfg.decoderEmbedDim} is not divisible by decoderNumHeads ${cfg.decoderNumHeads}`);
  }
  if (!(cfg.maskRatio >= 0 && cfg.maskRatio < 1)) throw new Error(`MAE config: maskRatio must be in [0, 1), got ${cfg.maskRatio}`);
}
