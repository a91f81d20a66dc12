/**
 * Loads timm/MAE-format ViT weights (PyTorch names and layouts, e.g. a safetensors export of
 * MAE's `mae_pretrain_vit_base.pth`) into a {@link VisionTransformer} or {@link MaskedAutoencoder},
 * through the single mapping of `checkpointFilter`.
 */
import { readSafetensors, type TensorData as CoreTensorData } from '@ecamp/core';
import { timmToEcamp, type TensorData } from './checkpoint-filter.js';
import { MaskedAutoencoder } from './mae.js';
import type { VisionTransformer } from './vit.js';

/** Options of {@link loadTimmWeights}. */
export interface LoadTimmOptions {
  /** Compare the checkpoint's fixed position tables with ours (`check`, default) or ignore them (`skip`). */
  posEmbed?: 'check' | 'skip';
  /** Throw when a model parameter is not in the checkpoint (default true). */
  requireAll?: boolean;
}

/** What {@link loadTimmWeights} did. */
export interface LoadTimmReport {
  /** Model parameters assigned from the checkpoint. */
  loaded: string[];
  /** Model parameters the checkpoint lacks (kept at their initial values). */
  missing: string[];
  /** Checkpoint keys the model has no use for (e.g. `head.*`, or `decoder_*` when loading into a plain ViT). */
  unused: string[];
  /** Fixed tables skipped or checked, with the reason. */
  skipped: { key: string; reason: string }[];
}

/** Converts core's safetensors records (float32 or int32) into float32 {@link TensorData}. */
export function toFloatState(tensors: Record<string, CoreTensorData>, source = 'checkpoint'): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [key, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32') throw new Error(`${source}: tensor '${key}' is ${t.dtype}; ViT weights must be floating point`);
    out.set(key, { dtype: 'float32', shape: t.shape, data: t.data as Float32Array });
  }
  return out;
}

/**
 * Assigns timm/MAE weights to `model`. Layouts are converted by `timmToEcamp`; the fixed
 * position tables are checked against the model's own (or skipped).
 */
export function loadTimmWeights(model: VisionTransformer, state: Map<string, TensorData>, options: LoadTimmOptions = {}): LoadTimmReport {
  const expectedPosEmbed: Record<string, Float32Array> = { pos_embed: model.posEmbed.dataSync() as Float32Array };
  if (model instanceof MaskedAutoencoder && model.decoderPosEmbed) expectedPosEmbed.decoder_pos_embed = model.decoderPosEmbed.dataSync() as Float32Array;
  const posMode = options.posEmbed ?? 'check';
  // a plain ViT has no decoder table to check against: skip it there
  const filtered = timmToEcamp(state, {
    patchSize: model.config.patchSize,
    posEmbed: 'skip',
  });
  if (posMode === 'check') {
    for (const key of Object.keys(expectedPosEmbed)) {
      const t = state.get(key) ?? state.get(`model.${key}`) ?? state.get(`module.${key}`);
      if (t) timmToEcamp(new Map([[key, t]]), { posEmbed: 'check', expectedPosEmbed });
    }
  }
  const record: Record<string, TensorData> = Object.fromEntries(filtered.tensors);
  const { missing, unexpected } = model.loadStateDict(record, { strict: false });
  if ((options.requireAll ?? true) && missing.length > 0) {
    throw new Error(`loadTimmWeights: checkpoint lacks ${missing.length} model parameter(s): ${missing.join(', ')}`);
  }
  const loadedSet = new Set(Object.keys(record).filter((k) => !unexpected.includes(k)));
  return {
    loaded: model
      .namedParameters()
      .map((p) => p.name)
      .filter((n) => loadedSet.has(n)),
    missing,
    unused: [...filtered.unused, ...unexpected],
    skipped: filtered.skipped.map((s) =>
      posMode === 'check' && expectedPosEmbed[s.key.replace(/^(module\.|model\.)/, '')]
        ? { key: s.key, reason: 'fixed sin-cos table, checked against ours' }
        : s,
    ),
  };
}

/** {@link loadTimmWeights} from a safetensors file. */
export function loadTimmSafetensors(model: VisionTransformer, path: string, options: LoadTimmOptions = {}): LoadTimmReport {
  const { tensors } = readSafetensors(path);
  return loadTimmWeights(model, toFloatState(tensors, path), options);
}
