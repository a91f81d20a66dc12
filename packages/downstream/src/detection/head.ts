import { Conv2d, Module, ModuleList, resizeBilinear, Rng, tf } from '@ecamp/core';
import { BatchNorm2d } from '../segmentation/batch-norm.js';
import { checkDetectionConfig, type DetectionConfig } from './anchors.js';

/**
 * Resample a [B, g, g, D] map to [B, s, s, D]: identity when s = g, average
 * pooling by reshape when s divides g (no pooling kernel needed, so it
 * trains on every backend), bilinear resize otherwise (e.g. 14 → 28).
 */
export function resampleFeatureMap(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [b, h, w, d] = x.shape;
  if (h === size && w === size) return x.clone();
  return tf.tidy(() => {
    if (size < h && h % size === 0 && w % size === 0) {
      const fh = h / size;
      const fw = w / size;
      return x.reshape([b, size, fh, size, fw, d]).mean([2, 4]) as tf.Tensor4D;
    }
    return resizeBilinear(x, [size, size]);
  });
}

/**
 * One scale of the detection head: 3×3 conv → BN → LeakyReLU(0.1) → 1×1 conv
 * to A·(5 + C), with the resampling to the scale's grid placed where it is
 * cheapest: before the 3×3 conv when pooling down (7), after it when
 * upsampling (28), so the wide conv always runs on the smaller map.
 */
export class DetectionScaleHead extends Module {
  /** 3×3 conv, no bias. */
  readonly conv: Conv2d;
  /** Batch normalisation after the conv. */
  readonly bn: BatchNorm2d;
  /** 1×1 conv to A·(5 + C) raw outputs. */
  readonly pred: Conv2d;

  constructor(
    inChannels: number,
    channels: number,
    outChannels: number,
    readonly grid: number,
    rng: Rng,
  ) {
    super();
    this.conv = this.addModule('conv', new Conv2d(inChannels, channels, 3, { padding: 1, bias: false, rng: rng.fork('conv') }));
    this.bn = this.addModule('bn', new BatchNorm2d(channels));
    this.pred = this.addModule('pred', new Conv2d(channels, outChannels, 1, { rng: rng.fork('pred') }));
  }

  /** @param features [B, g, g, D] @returns [B, grid, grid, A·(5 + C)] raw outputs */
  forward(features: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const block = (x: tf.Tensor4D) => tf.leakyRelu(this.bn.forward(this.conv.forward(x)), 0.1) as tf.Tensor4D;
      const upsampling = this.grid > features.shape[1];
      const hidden = upsampling ? resampleFeatureMap(block(features), this.grid) : block(resampleFeatureMap(features, this.grid));
      return this.pred.forward(hidden);
    });
  }
}

/** Options of {@link DetectionHead}. */
export interface DetectionHeadOptions {
  /** Width of each scale's 3×3 conv (default 256). */
  channels?: number;
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/**
 * YOLOv3-style head over a frozen ViT: the 14×14 patch-token map is
 * resampled to each scale of the config (28 by bilinear ×2, 14 as is, 7 by
 * 2×2 average pooling; see {@link DetectionScaleHead} for where) and each scale predicts, per cell and anchor,
 * (t_x, t_y, t_w, t_h, objectness, class logits). Parameter names
 * `scales.<i>.{conv,bn,pred}.*`.
 *
 * @example
 * const head = new DetectionHead(768, yoloV3Config(224, 1), { rng });
 * const [p28, p14, p7] = head.forward(featureMap); // [B, 28, 28, 18], [B, 14, 14, 18], [B, 7, 7, 18]
 */
export class DetectionHead extends Module {
  /** One head per scale of the config, finest first. */
  readonly scales: ModuleList<DetectionScaleHead>;

  constructor(
    readonly inChannels: number,
    readonly config: DetectionConfig,
    options: DetectionHeadOptions = {},
  ) {
    super();
    checkDetectionConfig(config);
    const rng = options.rng ?? new Rng(0);
    const channels = options.channels ?? 256;
    const out = config.scales[0].anchors.length * (5 + config.numClasses);
    this.scales = this.addModule(
      'scales',
      new ModuleList(config.scales.map((s, i) => new DetectionScaleHead(inChannels, channels, out, s.grid, rng.fork(`scale${i}`)))),
    );
  }

  /** @param features [B, g, g, inChannels] @returns one [B, S, S, A·(5 + C)] tensor per scale */
  forward(features: tf.Tensor4D): tf.Tensor4D[] {
    if (features.rank !== 4 || features.shape[3] !== this.inChannels) {
      throw new Error(`DetectionHead: features [${features.shape}] are not [B, g, g, ${this.inChannels}]`);
    }
    return [...this.scales].map((s) => s.forward(features));
  }
}
