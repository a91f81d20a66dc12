/**
 * Multi-scale feature maps from a plain ViT for dense heads (segmentation, detection).
 *
 * The ViT has one 14×14 token map (224 input, 16-px patches). Like ViTDet's simple
 * feature pyramid, each level rescales it (or, with `layers`, the token map of a chosen
 * intermediate block, as BEiT/MAE dense heads do):
 *   ×4:   up2 (D → D/2) → LayerNorm → GELU → up2 (D/2 → D/4)      (56×56)
 *   ×2:   up2 (D → D/2)                                            (28×28)
 *   ×1:   identity                                                 (14×14)
 *   ×1/2: 2×2 average pooling                                      (7×7)
 * then a per-pixel projection to `outDim` and LayerNorm. `up2` is a 2×2 stride-2
 * transposed convolution (`upsample2x.ts`). Levels are chosen by `scales` (default
 * [4, 2, 1, 0.5]; detection uses [2, 1, 0.5] → 28/14/7).
 * Parameter names: `levels.<k>.up1|norm|up2`, `levels.<k>.out_proj`, `levels.<k>.out_norm`.
 */
import { gelu, LayerNorm, Linear, Module, ModuleList, Rng, tf } from '@ecamp/core';
import { Upsample2x } from './upsample2x.js';

/** A pyramid level's scale relative to the token grid. */
export type PyramidScale = 4 | 2 | 1 | 0.5;

/** Options of {@link FeaturePyramid}. */
export interface FeaturePyramidOptions {
  /** ViT width D. */
  dim: number;
  /** Channels of every output level (default D). */
  outDim?: number;
  /** Scales, one level each, in output order (default [4, 2, 1, 0.5]). */
  scales?: readonly PyramidScale[];
  /** LayerNorm epsilon (default 1e-6, timm ViT's). */
  eps?: number;
  rng?: Rng;
}

/** Options of {@link FeaturePyramid.forward}. */
export interface FeaturePyramidInput {
  /**
   * ViT tokens [B, N, D]: one map for every level, or one map per level (intermediate
   * blocks, same order as `scales`). A leading class token (N = h·w + 1) is dropped.
   */
  tokens: tf.Tensor3D | readonly tf.Tensor3D[];
  /** Token grid [h, w] (default square). */
  grid?: [number, number];
}

class PyramidLevel extends Module {
  readonly up1?: Upsample2x;
  readonly norm?: LayerNorm;
  readonly up2?: Upsample2x;
  readonly outProj: Linear;
  readonly outNorm: LayerNorm;

  constructor(
    readonly scale: PyramidScale,
    dim: number,
    outDim: number,
    eps: number,
    rng: Rng,
  ) {
    super();
    let ch = dim;
    if (scale === 4 || scale === 2) {
      this.up1 = this.addModule('up1', new Upsample2x(dim, dim / 2, { rng: rng.fork('up1') }));
      ch = dim / 2;
    }
    if (scale === 4) {
      this.norm = this.addModule('norm', new LayerNorm(dim / 2, { eps }));
      this.up2 = this.addModule('up2', new Upsample2x(dim / 2, dim / 4, { rng: rng.fork('up2') }));
      ch = dim / 4;
    }
    this.outProj = this.addModule('out_proj', new Linear(ch, outDim, { rng: rng.fork('out_proj') }));
    this.outNorm = this.addModule('out_norm', new LayerNorm(outDim, { eps }));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let y = x;
      if (this.up1) y = this.up1.forward(y);
      if (this.up2) y = this.up2.forward(gelu(this.norm!.forward(y)) as tf.Tensor4D);
      if (this.scale === 0.5) y = avgPool2x(y);
      return this.outNorm.forward(this.outProj.forward(y)) as tf.Tensor4D;
    });
  }
}

/**
 * 2×2 average pooling, stride 2, from reshapes and means of rank ≤ 4 (differentiable on
 * every backend). [B, H, W, C] → [B, H/2, W/2, C]; H and W must be even.
 */
export function avgPool2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`avgPool2x: needs an even grid, got ${h}×${w}`);
  return tf.tidy(() => {
    // Rows: [B·H/2, 2, W·C] → mean over the pair of rows.
    const rows = tf.mean(tf.reshape(x, [b * (h / 2), 2, w * c]), 1);
    // Columns: [B·H/2·W/2, 2, C] → mean over the pair of columns.
    const cols = tf.mean(tf.reshape(rows, [b * (h / 2) * (w / 2), 2, c]), 1);
    return tf.reshape(cols, [b, h / 2, w / 2, c]);
  });
}

/** The feature pyramid (see the file comment). */
export class FeaturePyramid extends Module {
  readonly dim: number;
  readonly outDim: number;
  readonly scales: readonly PyramidScale[];
  readonly levels: ModuleList<PyramidLevel>;

  constructor(opts: FeaturePyramidOptions) {
    super();
    this.dim = opts.dim;
    this.outDim = opts.outDim ?? opts.dim;
    this.scales = opts.scales ?? [4, 2, 1, 0.5];
    if (!Number.isInteger(this.dim) || this.dim % 4 !== 0) throw new Error(`FeaturePyramid: dim must be a multiple of 4, got ${this.dim}`);
    if (this.scales.length === 0) throw new Error('FeaturePyramid: scales is empty');
    for (const s of this.scales) if (![4, 2, 1, 0.5].includes(s)) throw new Error(`FeaturePyramid: scale ${s} is not one of 4, 2, 1, 0.5`);
    const rng = opts.rng ?? new Rng(0);
    const eps = opts.eps ?? 1e-6;
    this.levels = this.addModule('levels', new ModuleList(this.scales.map((s, k) => new PyramidLevel(s, this.dim, this.outDim, eps, rng.fork(`level${k}`)))));
  }

  /** @returns one NHWC map per scale: [B, h·s, w·s, outDim] */
  forward(input: FeaturePyramidInput): tf.Tensor4D[] {
    const maps = Array.isArray(input.tokens) ? (input.tokens as tf.Tensor3D[]) : this.scales.map(() => input.tokens as tf.Tensor3D);
    if (maps.length !== this.scales.length) throw new Error(`FeaturePyramid: ${maps.length} token maps for ${this.scales.length} levels`);
    return tf.tidy(() =>
      maps.map((tokens, k) => {
        if (tokens.rank !== 3 || tokens.shape[2] !== this.dim)
          throw new Error(`FeaturePyramid: tokens ${k} must be [B, N, ${this.dim}], got [${tokens.shape}]`);
        const [b, n] = tokens.shape;
        let [h, w] = input.grid ?? [0, 0];
        if (!input.grid) {
          const side = Math.round(Math.sqrt(n));
          const sideCls = Math.round(Math.sqrt(n - 1));
          [h, w] = side * side === n ? [side, side] : [sideCls, sideCls];
        }
        let t: tf.Tensor = tokens;
        if (n === h * w + 1) t = tf.slice(tokens, [0, 1, 0], [b, h * w, this.dim]);
        else if (n !== h * w)
          throw new Error(`FeaturePyramid: tokens ${k} has ${n} tokens, grid ${h}×${w} needs ${h * w} (or ${h * w + 1} with a class token)`);
        return this.levels.at(k).forward(tf.reshape(t, [b, h, w, this.dim]) as tf.Tensor4D);
      }),
    );
  }
}
