import { Conv2d, Module, ModuleList, resizeBilinear, Rng, tf } from '@ecamp/core';
import { BatchNorm2d } from './batch-norm.js';

/** Options of {@link SegmentationDecoder}. */
export interface SegmentationDecoderOptions {
  /** Output widths of the four conv-BN-ReLU-upsample stages (default [256, 128, 64, 32]). */
  channels?: number[];
  /** Output maps (1 for SIIM / RSNA; one decoder per structure for RIGA disc and cup). */
  numClasses?: number;
  /** Random source of the conv initialisers (default `new Rng(0)`). */
  rng?: Rng;
}

/** One decoder stage: 3×3 conv (no bias, BN follows) → BatchNorm → ReLU → bilinear ×2. */
export class DecoderStage extends Module {
  /** 3×3 conv, no bias. */
  readonly conv: Conv2d;
  /** Batch normalisation after the conv. */
  readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, rng: Rng) {
    super();
    this.conv = this.addModule('conv', new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false, rng }));
    this.bn = this.addModule('bn', new BatchNorm2d(outChannels));
  }

  /** @param x [B, H, W, in] @returns [B, 2H, 2W, out] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = tf.relu(this.bn.forward(this.conv.forward(x))) as tf.Tensor4D;
      return resizeBilinear(y, [2 * y.shape[1], 2 * y.shape[2]]);
    });
  }
}

/**
 * The paper's segmentation decoder over a frozen ViT: the 14×14 patch-token
 * map goes through four conv-BN-ReLU-upsample(×2) stages (14 → 28 → 56 →
 * 112 → 224) and a 1×1 conv to per-pixel logits. Parameter names
 * `stages.<i>.conv.weight`, `stages.<i>.bn.{weight,bias,running_mean,running_var}`,
 * `head.{weight,bias}`.
 *
 * @example
 * const decoder = new SegmentationDecoder(768, { rng });
 * decoder.forward(featureMap); // [B, 14, 14, 768] → [B, 224, 224, 1] logits
 */
export class SegmentationDecoder extends Module {
  /** The four ×2 stages. */
  readonly stages: ModuleList<DecoderStage>;
  /** 1×1 conv to per-pixel logits. */
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
    const rng = options.rng ?? new Rng(0);
    const widths = [inChannels, ...channels];
    this.stages = this.addModule(
      'stages',
      new ModuleList(channels.map((c, i) => new DecoderStage(widths[i], c, rng.fork(`stage${i}`)))),
    );
    this.head = this.addModule('head', new Conv2d(channels[3], this.numClasses, 1, { rng: rng.fork('head') }));
  }

  /** @param features [B, h, w, inChannels] @returns [B, 16h, 16w, numClasses] logits */
  forward(features: tf.Tensor4D): tf.Tensor4D {
    if (features.rank !== 4 || features.shape[3] !== this.inChannels) {
      throw new Error(`SegmentationDecoder: features [${features.shape}] are not [B, h, w, ${this.inChannels}]`);
    }
    return tf.tidy(() => {
      let x = features;
      for (const stage of this.stages) x = stage.forward(x);
      return this.head.forward(x);
    });
  }
}
