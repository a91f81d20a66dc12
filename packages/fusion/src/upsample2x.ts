/**
 * Learned ×2 upsampling of a feature map: a 2×2, stride-2 transposed convolution.
 *
 * Such a deconvolution writes each input pixel into its own 2×2 output block with no
 * overlap, so it equals a per-pixel linear map Cin → 4·Cout followed by depth-to-space.
 * We build it from core's `Linear` and `depthToSpace` (both train on every backend).
 * PyTorch `ConvTranspose2d(Cin, Cout, 2, stride=2).weight` [Cin, Cout, 2, 2] maps to our
 * `proj.weight` [Cin, 4·Cout] by column `(di·2 + dj)·Cout + c` ← `weight[:, c, di, dj]`
 * (`deconvWeightFromTorch`).
 */
import { depthToSpace, Linear, Module, Rng, tf, type TensorData } from '@ecamp/core';

/** Options of {@link Upsample2x}. */
export interface Upsample2xOptions {
  rng?: Rng;
  /** Bias (default true). */
  bias?: boolean;
}

/** ×2 learned upsampling, [B, H, W, Cin] → [B, 2H, 2W, Cout]. Parameter: `proj` (Linear). */
export class Upsample2x extends Module {
  readonly proj: Linear;
  /** Per-output-channel bias [Cout] (shared by the four positions, as in a transposed conv). */
  readonly bias?: tf.Variable;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    opts: Upsample2xOptions = {},
  ) {
    super();
    const rng = opts.rng ?? new Rng(0);
    this.proj = this.addModule('proj', new Linear(inChannels, 4 * outChannels, { rng: rng.fork('proj'), bias: false }));
    if (opts.bias ?? true) this.bias = this.addParameter('bias', tf.zeros([outChannels]));
  }

  /** @param x [B, H, W, Cin] @returns [B, 2H, 2W, Cout] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) throw new Error(`Upsample2x: input must be [B, H, W, ${this.inChannels}], got [${x.shape}]`);
    return tf.tidy(() => {
      const up = depthToSpace(this.proj.forward(x) as tf.Tensor4D, 2);
      return this.bias ? (tf.add(up, this.bias) as tf.Tensor4D) : up;
    });
  }
}

/** PyTorch `ConvTranspose2d` (k = 2, s = 2) weight [Cin, Cout, 2, 2] → `proj.weight` [Cin, 4·Cout]. */
export function deconvWeightFromTorch(w: TensorData): TensorData {
  const [cin, cout, kh, kw] = w.shape;
  if (w.shape.length !== 4 || kh !== 2 || kw !== 2) throw new Error(`deconvWeightFromTorch: expected [Cin, Cout, 2, 2], got [${w.shape}]`);
  const out = new Float32Array(cin * 4 * cout);
  for (let i = 0; i < cin; i++) {
    for (let c = 0; c < cout; c++) {
      for (let di = 0; di < 2; di++) {
        for (let dj = 0; dj < 2; dj++) out[i * 4 * cout + (di * 2 + dj) * cout + c] = w.data[((i * cout + c) * 2 + di) * 2 + dj];
      }
    }
  }
  return { dtype: 'float32', shape: [cin, 4 * cout], data: out };
}
