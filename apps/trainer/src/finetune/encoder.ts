/**
 * The encoder to fine-tune: an `ecamp pretrain` encoder file (`encoder.safetensors`,
 * format `ecamp-vit-encoder-1`), a timm/MAE ViT state dict in safetensors, or `random`
 * (a freshly initialised ViT of a preset, the baseline every number should be compared with).
 * Its shape is read from the file: width from `cls_token`, depth from the block count, patch
 * from the patch embedding, MLP ratio from `fc1`; heads from the file's preset when its sizes
 * agree, otherwise width / 64 (every registered preset has 64-wide heads).
 */
import { existsSync } from 'node:fs';
import { readSafetensors, type TensorData } from '@ecamp/core';
import { createVit, loadTimmWeights, toFloatState, VIT_PRESETS, type VisionTransformer, type VitConfig } from '@ecamp/vision';
import { FinetuneOptionError } from './options.js';

/** What was loaded, for the log and the head checkpoint. */
export interface EncoderInfo {
  /** The file, or `random`. */
  source: string;
  /** `ecamp-vit-encoder-1`, `timm`, or `random`. */
  format: 'ecamp-vit-encoder-1' | 'timm' | 'random';
  /** The ViT's shape. */
  config: Pick<VitConfig, 'imageSize' | 'patchSize' | 'embedDim' | 'depth' | 'numHeads' | 'mlpRatio'>;
  /** Preset named by the file (or `--vit` for random). */
  preset?: string;
  /** Seed of a random encoder. */
  seed?: number;
  /** How the shape was found. */
  notes: string[];
}

function shapeOf(t: TensorData | undefined): number[] | undefined {
  return t?.shape;
}

/** Reads the ViT shape from a state dict (ours or timm's). */
export function inferVitShape(
  tensors: Record<string, TensorData>,
  preset: string | undefined,
  file: string,
): { config: Omit<EncoderInfo['config'], 'imageSize'>; notes: string[] } {
  const key = (k: string) => tensors[k] ?? tensors[`model.${k}`] ?? tensors[`module.${k}`];
  const cls = shapeOf(key('cls_token'));
  if (!cls || cls.length !== 3) throw new FinetuneOptionError(`${file}: no cls_token [1, 1, D]: not a ViT encoder state dict`);
  const embedDim = cls[2];
  let depth = 0;
  for (const k of Object.keys(tensors)) {
    const m = /(?:^|\.)blocks\.(\d+)\./.exec(k);
    if (m) depth = Math.max(depth, Number(m[1]) + 1);
  }
  if (depth === 0) throw new FinetuneOptionError(`${file}: no blocks.<i>.* tensors: not a ViT encoder state dict`);
  const pe = shapeOf(key('patch_embed.proj.weight'));
  if (!pe) throw new FinetuneOptionError(`${file}: no patch_embed.proj.weight`);
  // ours: [p·p·3, D]; timm: [D, 3, p, p]
  const patchSize = pe.length === 4 ? pe[2] : Math.round(Math.sqrt(pe[0] / 3));
  const fc1 = shapeOf(key('blocks.0.mlp.fc1.weight'));
  const hidden = fc1 ? (fc1[0] === embedDim ? fc1[1] : fc1[0]) : 4 * embedDim;
  const notes: string[] = [];
  const p = preset ? (VIT_PRESETS as Record<string, VitConfig | undefined>)[preset] : undefined;
  let numHeads: number;
  if (p && p.embedDim === embedDim) {
    numHeads = p.numHeads;
    notes.push(`heads ${numHeads} from the file's preset '${preset}'`);
  } else if (embedDim % 64 === 0) {
    numHeads = embedDim / 64;
    notes.push(`heads ${numHeads} = width ${embedDim} / 64 (the file names no preset of this width)`);
  } else {
    throw new FinetuneOptionError(
      `${file}: cannot tell the number of attention heads of a ${embedDim}-wide ViT (no preset in the file, width not a multiple of 64)`,
    );
  }
  return { config: { patchSize, embedDim, depth, numHeads, mlpRatio: hidden / embedDim }, notes };
}

/**
 * Builds the encoder of `spec` (a file or `random`). Throws naming the file when it is missing
 * or does not load strictly.
 */
export function loadFinetuneEncoder(spec: string, options: { vit: string; imageSize: number; seed: number }): { vit: VisionTransformer; info: EncoderInfo } {
  if (spec === 'random') {
    const preset = VIT_PRESETS[options.vit as keyof typeof VIT_PRESETS];
    if (!preset) throw new FinetuneOptionError(`--vit: unknown preset '${options.vit}' (${Object.keys(VIT_PRESETS).join(', ')})`);
    const vit = createVit(options.vit, { imageSize: options.imageSize, seed: options.seed });
    const c = vit.config;
    return {
      vit,
      info: {
        source: 'random',
        format: 'random',
        preset: options.vit,
        seed: options.seed,
        config: { imageSize: c.imageSize, patchSize: c.patchSize, embedDim: c.embedDim, depth: c.depth, numHeads: c.numHeads, mlpRatio: c.mlpRatio },
        notes: [`randomly initialised '${options.vit}' ViT (seed ${options.seed})`],
      },
    };
  }
  if (!existsSync(spec))
    throw new FinetuneOptionError(
      `--encoder: ${spec} does not exist (give an encoder .safetensors, e.g. runs/tiny/checkpoints/encoder.safetensors, or 'random')`,
    );
  const { tensors, metadata } = readSafetensors(spec);
  const ours = metadata.format === 'ecamp-vit-encoder-1';
  const { config, notes } = inferVitShape(tensors, metadata.preset, spec);
  const vit = createVit('tiny', { ...config, imageSize: options.imageSize, seed: options.seed });
  try {
    if (ours) vit.loadStateDict(tensors, { strict: true });
    else loadTimmWeights(vit, toFloatState(tensors, spec), { posEmbed: 'skip' });
  } catch (e) {
    vit.dispose();
    throw new FinetuneOptionError(
      `${spec}: does not load into a ${config.embedDim}-wide, ${config.depth}-block ViT/${config.patchSize}: ${(e as Error).message}`,
    );
  }
  return {
    vit,
    info: { source: spec, format: ours ? 'ecamp-vit-encoder-1' : 'timm', preset: metadata.preset, config: { ...config, imageSize: options.imageSize }, notes },
  };
}
