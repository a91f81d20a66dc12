/**
 * Weight import for {@link ContextFusionLayer} from a PyTorch layer with separate
 * q/k/v/o projections (the layout of `tooling/parity/fusion`'s reference, and of BERT
 * cross-attention layers once renamed). PyTorch Linear weights are [out, in]; ours are
 * [in, out], and our self-attention fuses q|k|v and our cross-attention fuses k|v along
 * the output axis, so those are transposed and concatenated here — the one place it happens.
 *
 * Source names: `attn.{q,k,v,o}`, `attn_norm`, `cross.{q,k,v,o}`, `pooled_proj`,
 * `cross_norm`, `ffn.fc1`, `ffn.fc2`, `ffn_norm` (each `.weight`/`.bias`).
 */
import { torchLinearToTf, type TensorData } from '@ecamp/core';

function concatColumns(parts: TensorData[], name: string): TensorData {
  // Each part is [in, out_k] (or [out_k] for biases): concatenate along the last axis.
  const rows = parts[0].shape.length === 2 ? parts[0].shape[0] : 1;
  for (const p of parts) {
    if ((p.shape.length === 2 ? p.shape[0] : 1) !== rows) throw new Error(`fusion torch import: ${name} parts disagree in input width`);
  }
  const widths = parts.map((p) => p.shape[p.shape.length - 1]);
  const total = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * total);
  for (let r = 0; r < rows; r++) {
    let off = 0;
    parts.forEach((p, k) => {
      out.set(p.data.subarray(r * widths[k], (r + 1) * widths[k]), r * total + off);
      off += widths[k];
    });
  }
  return { dtype: 'float32', shape: parts[0].shape.length === 2 ? [rows, total] : [total], data: out };
}

/**
 * Maps PyTorch-layout tensors (names above) to this package's parameter names and layouts.
 * Only the tensors present are mapped (so a variant without cross-attention needs no `cross.*`).
 * @returns a state dict for `ContextFusionLayer.loadStateDict`
 */
export function fusionStateFromTorch(torch: Record<string, TensorData>): Record<string, TensorData> {
  const get = (name: string): TensorData => {
    const t = torch[name];
    if (!t) throw new Error(`fusion torch import: missing tensor '${name}'`);
    return t;
  };
  const lin = (name: string) => torchLinearToTf(get(name));
  const out: Record<string, TensorData> = {};
  const fuse = (target: string, prefix: string, parts: string[]) => {
    out[`${target}.weight`] = concatColumns(
      parts.map((p) => lin(`${prefix}.${p}.weight`)),
      `${target}.weight`,
    );
    out[`${target}.bias`] = concatColumns(
      parts.map((p) => get(`${prefix}.${p}.bias`)),
      `${target}.bias`,
    );
  };
  const copyLinear = (target: string, source: string) => {
    out[`${target}.weight`] = lin(`${source}.weight`);
    out[`${target}.bias`] = get(`${source}.bias`);
  };
  const copyNorm = (target: string, source: string) => {
    out[`${target}.weight`] = get(`${source}.weight`);
    out[`${target}.bias`] = get(`${source}.bias`);
  };
  fuse('attn.qkv', 'attn', ['q', 'k', 'v']);
  copyLinear('attn.proj', 'attn.o');
  copyNorm('attn_norm', 'attn_norm');
  if (torch['cross.q.weight']) {
    copyLinear('cross.q', 'cross.q');
    fuse('cross.kv', 'cross', ['k', 'v']);
    copyLinear('cross.proj', 'cross.o');
  }
  if (torch['pooled_proj.weight']) copyLinear('pooled_proj', 'pooled_proj');
  if (torch['cross_norm.weight']) copyNorm('cross_norm', 'cross_norm');
  copyLinear('mlp.fc1', 'ffn.fc1');
  copyLinear('mlp.fc2', 'ffn.fc2');
  copyNorm('mlp_norm', 'ffn_norm');
  return out;
}
