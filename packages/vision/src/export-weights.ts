/**
 * Saves a {@link VisionTransformer} / {@link MaskedAutoencoder} as a timm/MAE state dict
 * (PyTorch names and layouts, fixed position tables included), so PyTorch code can load it with
 * `safetensors.torch.load_file` + `model.load_state_dict`. The inverse of `importWeights`,
 * through the same single mapping (`ecampToTimm`).
 */
import { tensorToData, writeSafetensors } from '@ecamp/core';
import { ecampToTimm, type TensorData } from './checkpoint-filter.js';
import { MaskedAutoencoder } from './mae.js';
import type { VisionTransformer } from './vit.js';

/** The model's parameters and position tables as a timm/MAE state dict (plain data, PyTorch layouts). */
export function exportTimmState(model: VisionTransformer): Map<string, TensorData> {
  const ours = new Map<string, TensorData>();
  for (const p of model.namedParameters()) {
    const d = tensorToData(p.variable);
    ours.set(p.name, { dtype: 'float32', shape: d.shape, data: d.data as Float32Array });
  }
  const table = (t: { shape: number[]; dataSync(): unknown }): TensorData => ({
    dtype: 'float32',
    shape: [...t.shape],
    data: Float32Array.from(t.dataSync() as Float32Array),
  });
  const posEmbed: Record<string, TensorData> = { pos_embed: table(model.posEmbed) };
  if (model instanceof MaskedAutoencoder && model.decoderPosEmbed) posEmbed.decoder_pos_embed = table(model.decoderPosEmbed);
  return ecampToTimm(ours, { channels: model.config.inChannels, posEmbed });
}

/** Writes {@link exportTimmState} to a safetensors file (atomically, via core's writer). */
export function saveTimmSafetensors(model: VisionTransformer, path: string, metadata: Record<string, string> = {}): void {
  const state = exportTimmState(model);
  writeSafetensors(path, Object.fromEntries(state), { format: 'pt', ...metadata });
}
