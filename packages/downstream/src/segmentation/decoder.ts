import { Conv2d, Linear, Module, ModuleList, resizeBilinear, Rng, tf, uniformInit } from '@ecamp/core';
import { BatchNorm2d } from './batch-norm.js';

/** Options of {@link SegmentationDecoder}. */
export interface SegmentationDecoderOptions {
  /** Output widths of the four conv-BN-ReLU-upsample stages (default [256, 128, 64, 32]; the authors': [512, 256, 128, 64]). */
  channels?: number[];
  /** Output maps (1 for SIIM / RSNA; one decoder per structure for RIGA disc and cup). */
  numClasses?: number;
  /** Kernel of the final conv to logits: 1 (default) or 3 (the authors' `final_out`, padding 1). */
  finalKernel?: 1 | 3;
  /** Corner-aligned ×2 upsampling (`align_corners=True`, the authors'); default false (half-pixel centres). */
  alignCorners?: boolean;
  /**
   * A bias on each stage's 3×3 conv, as PyTorch's `nn.Conv2d` default in the authors' decoder
   * (BatchNorm cancels it in training; in evaluation it shifts the running mean). Default false.
   */
  convBias?: boolean;
  /**
   * A trainable Linear D → D over every token before the stages (`seg_head.*`): the authors'
   * `seg_head`, which they apply to the encoder's un-normed last-block tokens (their ViT drops
   * its final norm; see `withoutFinalNorm`). Default false.
   */
  tokenProjection?: boolean;
  /** Random source of the conv initialisers (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * The authors' segmentation decoder (their `models_vit.py`): widths 512/256/128/64, a final
 * 3×3 conv, corner-aligned upsampling and the trainable `seg_head` on the tokens.
 */
export const AUTHORS_SEGMENTATION_DECODER: Readonly<Omit<SegmentationDecoderOptions, 'rng' | 'numClasses'>> = Object.freeze({
  channels: [512, 256, 128, 64],
  finalKernel: 3,
  alignCorners: true,
  convBias: true,
  tokenProjection: true,
});

/** One decoder stage: 3×3 conv (no bias by default, BN follows) → BatchNorm → ReLU → bilinear ×2. */
export class DecoderStage extends Module {
  /** 3×3 conv. */
  readonly conv: Conv2d;
  /** Batch normalisation after the conv. */
  readonly bn: BatchNorm2d;

  constructor(
    inChannels: number,
    outChannels: number,
    rng: Rng,
    readonly alignCorners = false,
    convBias = false,
  ) {
    super();
    this.conv = this.addModule('conv', new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: convBias, rng }));
    this.bn = this.addModule('bn', new BatchNorm2d(outChannels));
  }

  /** @param x [B, H, W, in] @returns [B, 2H, 2W, out] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = tf.relu(this.bn.forward(this.conv.forward(x))) as tf.Tensor4D;
      return resizeBilinear(y, [2 * y.shape[1], 2 * y.shape[2]], this.alignCorners);
    });
  }
}

/**
 * The paper's segmentation decoder over a frozen ViT: the 14×14 patch-token
 * map goes through four conv-BN-ReLU-upsample(×2) stages (14 → 28 → 56 →
 * 112 → 224) and a 1×1 (or, as the authors, 3×3) conv to per-pixel logits;
 * optionally a trainable Linear over the tokens first (the authors' `seg_head`).
 * Parameter names `seg_head.{weight,bias}`, `stages.<i>.conv.weight` (and `.bias` with `convBias`),
 * `stages.<i>.bn.{weight,bias,running_mean,running_var}`, `head.{weight,bias}`.
 *
 * @example
 * const decoder = new SegmentationDecoder(768, { ...AUTHORS_SEGMENTATION_DECODER, rng });
 * decoder.forward(featureMap); // [B, 14, 14, 768] → [B, 224, 224, 1] logits
 */
export class SegmentationDecoder extends Module {
  /** The authors' `seg_head`: Linear D → D over the tokens, when `tokenProjection`. */
  readonly tokenHead?: Linear;
  /** The four ×2 stages. */
  readonly stages: ModuleList<DecoderStage>;
  /** 1×1 or 3×3 conv to per-pixel logits. */
  readonly head: Conv2d;
  /** Output maps. */
  readonly numClasses: number;

  constructor(
    readonly inChannels: number,
    options: SegmentationDecoderOptions = {},
  ) {
    super();
    const channels = options.channels ?? [256, 128, 64, 32];
    if (channels.length !== 4 || channels.some((c) => !Number.isInteger(c) || c < 1)) {
      throw new Error(`SegmentationDecoder: channels must be 4 positive integers (one per ×2 stage), got [${channels}]`);
    }
    this.numClasses = options.numClasses ?? 1;
    const finalKernel = options.finalKernel ?? 1;
    if (finalKernel !== 1 && finalKernel !== 3) throw new Error(`SegmentationDecoder: finalKernel must be 1 or 3, got ${String(finalKernel)}`);
    const rng = options.rng ?? new Rng(0);
    if (options.tokenProjection) {
      // PyTorch's default nn.Linear weight init (uniform ±1/√in), as the authors' seg_head gets it; bias zeros.
      const bound = 1 / Math.sqrt(inChannels);
      const init = (shape: number[], r: Rng) => uniformInit(shape, r, -bound, bound);
      this.tokenHead = this.addModule('seg_head', new Linear(inChannels, inChannels, { init, rng: rng.fork('seg_head') }));
    }
    const widths = [inChannels, ...channels];
    this.stages = this.addModule(
      'stages',
      new ModuleList(channels.map((c, i) => new DecoderStage(widths[i], c, rng.fork(`stage${i}`), options.alignCorners ?? false, options.convBias ?? false))),
    );
    this.head = this.addModule('head', new Conv2d(channels[3], this.numClasses, finalKernel, { padding: (finalKernel - 1) / 2, rng: rng.fork('head') }));
  }

  /** @param features [B, h, w, inChannels] @returns [B, 16h, 16w, numClasses] logits */
  forward(features: tf.Tensor4D): tf.Tensor4D {
    if (features.rank !== 4 || features.shape[3] !== this.inChannels) {
      throw new Error(`SegmentationDecoder: features [${features.shape}] are not [B, h, w, ${this.inChannels}]`);
    }
    return tf.tidy(() => {
      let x = this.tokenHead ? (this.tokenHead.forward(features) as tf.Tensor4D) : features;
      for (const stage of this.stages) x = stage.forward(x);
      return this.head.forward(x);
    });
  }
}
