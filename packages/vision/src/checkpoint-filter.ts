/**
 * The ONE place where timm/MAE (PyTorch) ViT weights change name and layout on their way into
 * ECAMP.ts, and back (a timm-style "checkpoint filter").
 *
 * PyTorch conventions and what we do with them:
 * - `nn.Linear.weight` is `[out, in]`; our Linear multiplies `x @ W` with `W` `[in, out]`:
 *   transposed.
 * - `patch_embed.proj.weight` is a stride-p conv `[D, C, p, p]` (channels-first); our patch
 *   embedding is a Linear over flattened NHWC patches whose features are ordered `(p, q, c)`
 *   (row-in-patch, column-in-patch, channel): reordered to `[p*p*C, D]`, row `(pi*p + qi)*C + c`.
 * - the fused `attn.qkv` stays fused (output features ordered `(3, heads, head_dim)` both sides).
 * - `pos_embed` / `decoder_pos_embed` are fixed sin-cos tables, not parameters here: skipped,
 *   or checked against ours (`posEmbed: 'check'`).
 * - `cls_token`, `mask_token` `[1, 1, D]`, LayerNorm and bias vectors: unchanged.
 * Keys we have no counterpart for (a classifier `head.*`, `fc_norm.*`) are returned in
 * `unused`; `strict` makes them an error.
 */

/** A dense float32 tensor as plain data (row-major). */
export interface TensorData {
  /** Always float32 here; present so the result can go straight into core's `loadStateDict`. */
  dtype: 'float32';
  shape: number[];
  data: Float32Array;
}

/** Options of {@link timmToEcamp}. */
export interface CheckpointFilterOptions {
  /** Patch size p; needed to check the conv kernel of `patch_embed.proj.weight`. */
  patchSize?: number;
  /** `skip` (default) drops fixed position tables; `check` compares them with `expectedPosEmbed`. */
  posEmbed?: 'skip' | 'check';
  /** For `posEmbed: 'check'`: our tables by key (`pos_embed`, `decoder_pos_embed`), [1+L, D]. */
  expectedPosEmbed?: Record<string, Float32Array>;
  /** Max abs difference tolerated by the position-table check (default 1e-5). */
  posEmbedTolerance?: number;
  /** Throw on keys with no ECAMP counterpart instead of listing them in `unused`. */
  strict?: boolean;
}

/** Result of {@link timmToEcamp}. */
export interface FilteredCheckpoint {
  /** ECAMP parameter name → tensor in our layout. */
  tensors: Map<string, TensorData>;
  /** Keys dropped on purpose (fixed position tables), with the reason. */
  skipped: { key: string; reason: string }[];
  /** Keys with no counterpart in ECAMP.ts. */
  unused: string[];
}

const FIXED_TABLES = new Set(['pos_embed', 'decoder_pos_embed']);

/** Keys that exist in our ViT/MAE and come from timm: a prefix set, per-block names unchanged. */
function isKnownKey(key: string): boolean {
  if (key === 'cls_token' || key === 'mask_token') return true;
  if (/^patch_embed\.proj\.(weight|bias)$/.test(key)) return true;
  if (/^(norm|decoder_norm)\.(weight|bias)$/.test(key)) return true;
  if (/^(decoder_embed|decoder_pred)\.(weight|bias)$/.test(key)) return true;
  return /^(blocks|decoder_blocks)\.\d+\.(norm1|norm2|attn\.qkv|attn\.proj|mlp\.fc1|mlp\.fc2)\.(weight|bias)$/.test(key);
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `[out, in]` → `[in, out]`. */
export function transposeLinear(w: TensorData, key = 'weight'): TensorData {
  if (w.shape.length !== 2) throw new Error(`${key}: expected a Linear weight [out, in], got shape [${w.shape}]`);
  const [out, inp] = w.shape;
  const data = new Float32Array(out * inp);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) data[i * out + o] = w.data[o * inp + i];
  return { dtype: 'float32', shape: [inp, out], data };
}

/** Conv kernel `[D, C, p, p]` → flattened-patch Linear weight `[p*p*C, D]`, rows ordered (p, q, c). */
export function convToPatchLinear(w: TensorData, key = 'patch_embed.proj.weight'): TensorData {
  if (w.shape.length !== 4 || w.shape[2] !== w.shape[3]) {
    throw new Error(`${key}: expected a square conv kernel [D, C, p, p], got shape [${w.shape}]`);
  }
  const [d, c, p] = w.shape;
  const data = new Float32Array(d * c * p * p);
  for (let o = 0; o < d; o++)
    for (let ch = 0; ch < c; ch++)
      for (let pi = 0; pi < p; pi++)
        for (let qi = 0; qi < p; qi++) {
          const row = (pi * p + qi) * c + ch;
          data[row * d + o] = w.data[((o * c + ch) * p + pi) * p + qi];
        }
  return { dtype: 'float32', shape: [p * p * c, d], data };
}

/** Inverse of {@link convToPatchLinear}: `[p*p*C, D]` → `[D, C, p, p]`. */
export function patchLinearToConv(w: TensorData, channels: number, key = 'patch_embed.proj.weight'): TensorData {
  const [rows, d] = w.shape;
  const p = Math.round(Math.sqrt(rows / channels));
  if (w.shape.length !== 2 || p * p * channels !== rows) {
    throw new Error(`${key}: [${w.shape}] is not a [p*p*${channels}, D] patch weight`);
  }
  const data = new Float32Array(rows * d);
  for (let o = 0; o < d; o++)
    for (let ch = 0; ch < channels; ch++)
      for (let pi = 0; pi < p; pi++)
        for (let qi = 0; qi < p; qi++) data[((o * channels + ch) * p + pi) * p + qi] = w.data[((pi * p + qi) * channels + ch) * d + o];
  return { dtype: 'float32', shape: [d, channels, p, p], data };
}

/**
 * timm/MAE state dict (PyTorch names and layouts) → ECAMP.ts parameters.
 * The timm names are kept (our modules use the same dotted names); only layouts change.
 */
export function timmToEcamp(state: Map<string, TensorData>, options: CheckpointFilterOptions = {}): FilteredCheckpoint {
  const tensors = new Map<string, TensorData>();
  const skipped: { key: string; reason: string }[] = [];
  const unused: string[] = [];
  for (const [rawKey, t] of state) {
    // MAE's released checkpoints wrap everything in `model.`; DeiT/ DDP ones in `module.`
    const key = rawKey.replace(/^(module\.|model\.)/, '');
    if (size(t.shape) !== t.data.length) {
      throw new Error(`${rawKey}: shape [${t.shape}] needs ${size(t.shape)} values, data has ${t.data.length}`);
    }
    if (FIXED_TABLES.has(key)) {
      if (options.posEmbed === 'check') {
        const ours = options.expectedPosEmbed?.[key];
        if (!ours) throw new Error(`${rawKey}: posEmbed 'check' needs expectedPosEmbed['${key}']`);
        if (ours.length !== t.data.length) {
          throw new Error(`${rawKey}: checkpoint table has ${t.data.length} values, ours ${ours.length} (different grid or width?)`);
        }
        const tol = options.posEmbedTolerance ?? 1e-5;
        let worst = 0;
        for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - t.data[i]));
        if (!(worst <= tol)) throw new Error(`${rawKey}: differs from the fixed 2-D sin-cos table by ${worst} (> ${tol})`);
        skipped.push({ key: rawKey, reason: `fixed sin-cos table, matches ours (max diff ${worst.toExponential(2)})` });
      } else {
        skipped.push({ key: rawKey, reason: 'fixed sin-cos table, recomputed by the model' });
      }
      continue;
    }
    if (!isKnownKey(key)) {
      if (options.strict) throw new Error(`${rawKey}: no ECAMP.ts counterpart (strict checkpoint import)`);
      unused.push(rawKey);
      continue;
    }
    if (key === 'patch_embed.proj.weight') {
      const converted = convToPatchLinear(t, rawKey);
      if (options.patchSize !== undefined && t.shape[2] !== options.patchSize) {
        throw new Error(`${rawKey}: kernel is ${t.shape[2]}x${t.shape[3]}, model patch size is ${options.patchSize}`);
      }
      tensors.set(key, converted);
    } else if (key.endsWith('.weight') && t.shape.length === 2) {
      tensors.set(key, transposeLinear(t, rawKey));
    } else {
      tensors.set(key, { dtype: 'float32', shape: [...t.shape], data: t.data });
    }
  }
  return { tensors, skipped, unused };
}

/**
 * ECAMP.ts parameters → timm/MAE state dict (PyTorch layouts), the inverse of
 * {@link timmToEcamp}; position tables are added from `posEmbed` when given.
 */
export function ecampToTimm(
  params: Map<string, TensorData>,
  options: { channels?: number; posEmbed?: Record<string, TensorData> } = {},
): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [key, t] of params) {
    if (!isKnownKey(key)) throw new Error(`${key}: no timm counterpart`);
    if (key === 'patch_embed.proj.weight') out.set(key, patchLinearToConv(t, options.channels ?? 3, key));
    else if (key.endsWith('.weight') && t.shape.length === 2) out.set(key, transposeLinear(t, key));
    else out.set(key, { dtype: 'float32', shape: [...t.shape], data: t.data });
  }
  for (const [key, t] of Object.entries(options.posEmbed ?? {})) out.set(key, t);
  return out;
}
