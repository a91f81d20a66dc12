import { tf } from '../tf.js';
import { Module } from '../module.js';
import { customOp } from '../kernels/custom-op.js';
import { BLOCK, BLOCK_PARAMS, BLOCK_SAVED } from '../native/kernels/block.js';
import { isNativeBackend } from '../native/runtime.js';
import { Rng } from '@ecamp/io/rng';
import { LayerNorm } from './layer-norm.js';
import { MultiHeadAttention } from './attention.js';
import { Mlp } from './mlp.js';
import type { LinearOptions } from './linear.js';

/** Options of {@link TransformerBlock}. */
export interface TransformerBlockOptions {
  /** MLP hidden = dim·mlpRatio (default 4). */
  mlpRatio?: number;
  /** Bias on q/k/v (default true). */
  qkvBias?: boolean;
  /** LayerNorm eps (default 1e-6, as timm ViT / MAE). */
  eps?: number;
  /** Projection init (default xavier, as MAE). */
  init?: LinearOptions['init'];
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * Pre-norm timm ViT `Block`: x + attn(norm1(x)), then x + mlp(norm2(x)).
 * Parameter names `norm1`, `attn.qkv`, `attn.proj`, `norm2`, `mlp.fc1`, `mlp.fc2`.
 *
 * @example new TransformerBlock(192, 3, { rng }).forward(x) // [B, N, 192] → [B, N, 192]
 */
export class TransformerBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly norm2: LayerNorm;
  readonly mlp: Mlp;

  constructor(
    readonly dim: number,
    readonly numHeads: number,
    opts: TransformerBlockOptions = {},
  ) {
    super();
    const rng = opts.rng ?? new Rng(0);
    const eps = opts.eps ?? 1e-6;
    this.norm1 = this.addModule('norm1', new LayerNorm(dim, { eps }));
    this.attn = this.addModule('attn', new MultiHeadAttention(dim, numHeads, { qkvBias: opts.qkvBias ?? true, init: opts.init, rng: rng.fork('attn') }));
    this.norm2 = this.addModule('norm2', new LayerNorm(dim, { eps }));
    this.mlp = this.addModule('mlp', new Mlp(dim, Math.round(dim * (opts.mlpRatio ?? 4)), { init: opts.init, rng: rng.fork('mlp') }));
  }

  /**
   * @param x [B, N, dim]
   * @param opts.keyPaddingMask [B, N], 1 = keep, 0 = padding
   * @returns [B, N, dim]
   */
  forward(x: tf.Tensor, opts: { keyPaddingMask?: tf.Tensor } = {}): tf.Tensor {
    if (isNativeBackend() && x.dtype === 'float32' && this.mlp.act === 'gelu' && this.attn.qkv !== undefined && x.rank === 3) {
      return this.forwardFused(x, opts.keyPaddingMask);
    }
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.forward(this.norm1.forward(x), { keyPaddingMask: opts.keyPaddingMask }).output);
      return tf.add(h, this.mlp.forward(this.norm2.forward(h)));
    });
  }

  /** Native backend: the whole block is one kernel each way (same parameters, same result). */
  private forwardFused(x: tf.Tensor, keyPaddingMask?: tf.Tensor): tf.Tensor {
    const [b, n] = x.shape as number[];
    const qkv = this.attn.qkv!;
    const byName: Record<string, tf.Tensor | undefined> = {
      ln1w: this.norm1.weight,
      ln1b: this.norm1.bias,
      wqkv: qkv.weight,
      bqkv: qkv.bias,
      wproj: this.attn.proj.weight,
      bproj: this.attn.proj.bias,
      ln2w: this.norm2.weight,
      ln2b: this.norm2.bias,
      w1: this.mlp.fc1.weight,
      b1: this.mlp.fc1.bias,
      w2: this.mlp.fc2.weight,
      b2: this.mlp.fc2.bias,
    };
    const names = ['x', ...BLOCK_PARAMS.filter((p) => byName[p] !== undefined)];
    const attrs = { heads: this.numHeads, eps: this.norm1.eps };
    return tf.tidy(() => {
      let mask: tf.Tensor | undefined;
      if (keyPaddingMask !== undefined) {
        if (keyPaddingMask.size !== b * n) throw new Error(`TransformerBlock: keyPaddingMask [${keyPaddingMask.shape}] must be [${b}, ${n}]`);
        mask = tf.cast(tf.reshape(keyPaddingMask, [b, n]), 'float32');
      }
      const op = customOp((ins, save) => {
        const inputs: Record<string, tf.Tensor> = Object.fromEntries(names.map((k, i) => [k, ins[i]]));
        if (mask) inputs.mask = mask;
        const [y, ...saved] = tf.engine().runKernel(BLOCK.forward, inputs, attrs) as tf.Tensor[];
        save([...ins, ...saved]);
        return {
          value: y,
          gradFunc: (dy, kept) => {
            const gradInputs: Record<string, tf.Tensor> = { dy };
            names.forEach((k, i) => (gradInputs[k] = kept[i]));
            BLOCK_SAVED.forEach((k, i) => (gradInputs[k] = kept[names.length + i]));
            return tf.engine().runKernel(BLOCK.grad, gradInputs, attrs) as tf.Tensor[];
          },
        };
      });
      return op(x, ...names.slice(1).map((k) => byName[k]!));
    });
  }
}
