/**
 * ViT encoders from safetensors checkpoints, in the three forms ECAMP.ts meets: the trainer's
 * `encoder.safetensors` (timm names, TF layouts), its full `pretrain.safetensors` (the encoder
 * under `mae.`), and a timm/MAE export from PyTorch (timm names, PyTorch layouts). The
 * architecture is read from the tensors themselves; only the head count needs the metadata's
 * preset or timm's convention (64 channels per head) when not given.
 */
import { parseSafetensors, type SafetensorsFile, type TensorData } from '@ecamp/core';
import { VIT_PRESETS, VisionTransformer, loadTimmWeights, resolveMaeConfig, toFloatState, type VitConfig } from '@ecamp/vision';

/** Which kind of file the encoder came from. */
export type EncoderCheckpointKind = 'encoder' | 'pretrain' | 'timm-pytorch';

/** What {@link describeEncoderCheckpoint} found. */
export interface EncoderCheckpointInfo {
  kind: EncoderCheckpointKind;
  /** Prefix of the encoder's tensors in the file (`''` or `'mae.'`). */
  prefix: string;
  /** The ViT to build. */
  config: VitConfig;
  /** Where the head count came from (it is not visible in the weights). */
  headsFrom: string;
  /** `__metadata__` of the file (`preset`, `step`, `format`, … when the trainer wrote it). */
  metadata: Record<string, string>;
  /** Tensors of the file the encoder does not use (decoders, text side, optimiser state). */
  ignored: number;
}

/** Options of {@link describeEncoderCheckpoint}. */
export interface EncoderCheckpointOptions {
  /** Input side in pixels (default: the timm `pos_embed` table's size when present, else 224). */
  imageSize?: number;
  /** Attention heads (default: the metadata's preset, else embedDim / 64 as timm's ViTs). */
  numHeads?: number;
}

const ENCODER_PART = /^(cls_token|pos_embed|patch_embed\.|blocks\.\d+\.|norm\.|fc_norm\.)/;

function fail(name: string, why: string): never {
  throw new Error(`${name}: not a ViT encoder checkpoint: ${why}`);
}

const MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (a PyTorch .pth? save it with safetensors.torch.save_file first)' },
  { bytes: [0x80], what: 'a Python pickle (a PyTorch .pth? save it with safetensors.torch.save_file first)' },
];

/**
 * Decodes the bytes of a chosen checkpoint file; a file that is recognisably something else (an
 * image, a PyTorch zip or pickle) is named as such instead of reported as a broken header.
 */
export function parseCheckpointBytes(bytes: Uint8Array, name: string): SafetensorsFile {
  const kind = MAGIC.find((m) => m.bytes.every((b, i) => bytes[i] === b));
  if (kind) throw new Error(`${name} is ${kind.what}, not a safetensors checkpoint`);
  return parseSafetensors(bytes, name);
}

/** Reads the encoder's architecture from a parsed checkpoint; throws naming the file and what is missing. */
export function describeEncoderCheckpoint(file: SafetensorsFile, name: string, options: EncoderCheckpointOptions = {}): EncoderCheckpointInfo {
  const { tensors, metadata } = file;
  const keys = Object.keys(tensors);
  const prefix = 'cls_token' in tensors ? '' : 'mae.cls_token' in tensors ? 'mae.' : undefined;
  if (prefix === undefined) {
    const sample = keys.slice(0, 5).join(', ') || 'none';
    fail(name, `no 'cls_token' (nor 'mae.cls_token' of a full pre-training checkpoint); its ${keys.length} tensors start ${sample}`);
  }
  const get = (k: string): TensorData => tensors[prefix + k] ?? fail(name, `tensor '${prefix + k}' is missing`);
  const cls = get('cls_token');
  if (cls.shape.length !== 3 || cls.shape[0] !== 1 || cls.shape[1] !== 1) fail(name, `'${prefix}cls_token' is [${cls.shape}], expected [1, 1, D]`);
  const embedDim = cls.shape[2];
  const patch = get('patch_embed.proj.weight');
  let patchSize: number;
  let inChannels = 3;
  let kind: EncoderCheckpointKind;
  if (patch.shape.length === 4) {
    // PyTorch conv [D, C, p, p]
    kind = 'timm-pytorch';
    [, inChannels, patchSize] = patch.shape;
    if (patch.shape[0] !== embedDim || patch.shape[3] !== patchSize)
      fail(name, `'patch_embed.proj.weight' is [${patch.shape}], expected [${embedDim}, C, p, p]`);
  } else if (patch.shape.length === 2 && patch.shape[1] === embedDim) {
    kind = prefix === 'mae.' ? 'pretrain' : 'encoder';
    patchSize = Math.round(Math.sqrt(patch.shape[0] / inChannels));
    if (patchSize * patchSize * inChannels !== patch.shape[0])
      fail(name, `'${prefix}patch_embed.proj.weight' is [${patch.shape}]: ${patch.shape[0]} is not p·p·3`);
  } else {
    fail(name, `'${prefix}patch_embed.proj.weight' is [${patch.shape}], expected [p·p·3, ${embedDim}] or [${embedDim}, 3, p, p]`);
  }
  const blockIds = new Set<number>();
  for (const k of keys) {
    const m = k.startsWith(prefix) ? /^blocks\.(\d+)\./.exec(k.slice(prefix.length)) : null;
    if (m) blockIds.add(Number(m[1]));
  }
  const depth = blockIds.size;
  if (depth === 0) fail(name, `no transformer blocks ('${prefix}blocks.0.*')`);
  for (let i = 0; i < depth; i++) if (!blockIds.has(i)) fail(name, `blocks are not numbered 0…${depth - 1} (block ${i} is missing)`);
  const fc1 = get('blocks.0.mlp.fc1.weight');
  const hidden = kind === 'timm-pytorch' ? fc1.shape[0] : fc1.shape[1];
  let imageSize = options.imageSize;
  const pos = tensors[`${prefix}pos_embed`];
  if (imageSize === undefined && pos && pos.shape.length === 3) {
    const grid = Math.round(Math.sqrt(pos.shape[1] - 1));
    if (grid * grid === pos.shape[1] - 1) imageSize = grid * patchSize;
  }
  imageSize ??= 224;
  let numHeads = options.numHeads;
  let headsFrom = 'given';
  if (numHeads === undefined) {
    const preset = (VIT_PRESETS as Record<string, VitConfig | undefined>)[metadata.preset ?? ''];
    if (preset && preset.embedDim === embedDim) {
      numHeads = preset.numHeads;
      headsFrom = `preset '${metadata.preset}' in the file's metadata`;
    } else if (embedDim % 64 === 0) {
      numHeads = embedDim / 64;
      headsFrom = 'timm convention (64 channels per head)';
    } else {
      fail(name, `the head count is not in the file (no known preset in its metadata, and ${embedDim} is not a multiple of 64): give it`);
    }
  }
  let config: VitConfig;
  try {
    config = resolveMaeConfig('tiny', { imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio: hidden / embedDim });
  } catch (e) {
    fail(name, (e as Error).message);
  }
  const ignored = keys.filter((k) => !(k.startsWith(prefix) && ENCODER_PART.test(k.slice(prefix.length)))).length;
  return { kind, prefix, config, headsFrom, metadata, ignored };
}

/**
 * Builds the ViT of a checkpoint and loads its weights (every encoder parameter must be there,
 * with the right shape). The caller disposes the model.
 * @example const { vit, info } = loadEncoderCheckpoint(parseSafetensors(bytes, file.name), file.name);
 */
export function loadEncoderCheckpoint(
  file: SafetensorsFile,
  name: string,
  options: EncoderCheckpointOptions = {},
): { vit: VisionTransformer; info: EncoderCheckpointInfo } {
  const info = describeEncoderCheckpoint(file, name, options);
  const vit = new VisionTransformer(info.config);
  try {
    if (info.kind === 'timm-pytorch') {
      loadTimmWeights(vit, toFloatState(file.tensors, name), { posEmbed: 'skip' });
    } else {
      const state: Record<string, TensorData> = {};
      for (const [k, t] of Object.entries(file.tensors)) {
        if (!k.startsWith(info.prefix)) continue;
        const local = k.slice(info.prefix.length);
        if (/^(cls_token|patch_embed\.|blocks\.\d+\.|norm\.)/.test(local)) state[local] = t;
      }
      vit.loadStateDict(state, { strict: true });
    }
  } catch (e) {
    vit.dispose();
    fail(name, (e as Error).message);
  }
  return { vit, info };
}
