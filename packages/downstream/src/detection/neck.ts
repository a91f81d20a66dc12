import { Conv2d, Linear, Module, ModuleList, resizeBilinear, Rng, tf, uniformInit } from '@ecamp/core';
import { BatchNorm2d } from '../segmentation/batch-norm.js';
import { checkDetectionConfig, type DetectionConfig } from './anchors.js';

/** Widths of a {@link YoloNeckHead}. */
export interface YoloNeckWidths {
  /** Channels of the three backbone maps at the fine, middle and coarse grid (28, 14, 7); the authors': 512, 1024, 2048. */
  backbone: [number, number, number];
  /** [narrow, wide] filters of each YOLO embedding, finest first; the authors': [128, 256], [256, 512], [512, 1024]. */
  filters: [[number, number], [number, number], [number, number]];
}

/** The authors' widths (`detector_backbone_vit.py` `DetectionLayers`, `detector_model.py` `ModelMain`). */
export const AUTHORS_YOLO_NECK: Readonly<YoloNeckWidths> = Object.freeze({
  backbone: [512, 1024, 2048] as [number, number, number],
  filters: [
    [128, 256],
    [256, 512],
    [512, 1024],
  ] as [[number, number], [number, number], [number, number]],
});

/**
 * The authors' widths multiplied by `scale` (rounded, at least 1 per channel — and a multiple of
 * `expansion` for the bottleneck widths), e.g. 0.25 for a CPU-sized neck on a narrow ViT.
 */
export function yoloNeckWidths(scale: number, expansion = 4): YoloNeckWidths {
  if (!(scale > 0)) throw new Error(`yoloNeckWidths: scale must be > 0, got ${scale}`);
  const r = (c: number, multiple = 1) => Math.max(multiple, Math.round((c * scale) / multiple) * multiple);
  const [a, b, c] = AUTHORS_YOLO_NECK.backbone;
  const f = AUTHORS_YOLO_NECK.filters;
  return {
    backbone: [r(a, expansion), r(b, expansion), r(c, expansion)],
    filters: [
      [r(f[0][0]), r(f[0][1])],
      [r(f[1][0]), r(f[1][1])],
      [r(f[2][0]), r(f[2][1])],
    ],
  };
}

/** Options of {@link YoloNeckHead}. */
export interface YoloNeckOptions {
  /** Widths (default {@link AUTHORS_YOLO_NECK}). */
  widths?: YoloNeckWidths;
  /** Bottleneck expansion: width = channels / expansion (the authors: 4, and 8 when training on 1 % or 10 %). Default 4. */
  expansion?: number;
  /** A trainable Linear D → D over the tokens first (`det_head.*`, the authors' `det_head` on un-normed tokens). Default true. */
  tokenProjection?: boolean;
  /** Random source (default `new Rng(0)`). */
  rng?: Rng;
}

/** conv (no bias) → BatchNorm → LeakyReLU(0.1): YOLOv3's "CBL". */
export class ConvBnLeaky extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernel: 1 | 3, rng: Rng) {
    super();
    this.conv = this.addModule('conv', new Conv2d(inChannels, outChannels, kernel, { padding: (kernel - 1) / 2, bias: false, rng }));
    this.bn = this.addModule('bn', new BatchNorm2d(outChannels));
  }

  /** @param x [B, H, W, in] @returns [B, H, W, out] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.leakyRelu(this.bn.forward(this.conv.forward(x)), 0.1) as tf.Tensor4D);
  }
}

/** torchvision's ResNet bottleneck without downsampling: 1×1 → 3×3 → 1×1 (BN after each, no conv bias), + input, ReLU. */
export class Bottleneck extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;

  constructor(channels: number, expansion: number, rng: Rng) {
    super();
    const width = channels / expansion;
    if (!Number.isInteger(width) || width < 1) throw new Error(`Bottleneck: ${channels} channels are not a multiple of expansion ${expansion}`);
    this.conv1 = this.addModule('conv1', new Conv2d(channels, width, 1, { padding: 0, bias: false, rng: rng.fork('conv1') }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(width));
    this.conv2 = this.addModule('conv2', new Conv2d(width, width, 3, { padding: 1, bias: false, rng: rng.fork('conv2') }));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(width));
    this.conv3 = this.addModule('conv3', new Conv2d(width, channels, 1, { padding: 0, bias: false, rng: rng.fork('conv3') }));
    this.bn3 = this.addModule('bn3', new BatchNorm2d(channels));
  }

  /** @param x [B, H, W, C] @returns [B, H, W, C] */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let y = tf.relu(this.bn1.forward(this.conv1.forward(x))) as tf.Tensor4D;
      y = tf.relu(this.bn2.forward(this.conv2.forward(y))) as tf.Tensor4D;
      y = this.bn3.forward(this.conv3.forward(y));
      return tf.relu(tf.add(y, x)) as tf.Tensor4D;
    });
  }
}

/** One YOLOv3 embedding: five CBLs (1×1, 3×3, 1×1, 3×3, 1×1 — the branch), a 3×3 CBL and a 1×1 conv with bias to the outputs. */
export class YoloEmbedding extends Module {
  readonly blocks: ModuleList<ConvBnLeaky>;
  readonly out: Conv2d;

  constructor(inChannels: number, [narrow, wide]: [number, number], outChannels: number, rng: Rng) {
    super();
    const kernels: Array<1 | 3> = [1, 3, 1, 3, 1, 3];
    const widths = [narrow, wide, narrow, wide, narrow, wide];
    this.blocks = this.addModule(
      'blocks',
      new ModuleList(kernels.map((k, i) => new ConvBnLeaky(i === 0 ? inChannels : widths[i - 1], widths[i], k, rng.fork(`cbl${i}`)))),
    );
    this.out = this.addModule('out', new Conv2d(wide, outChannels, 1, { padding: 0, rng: rng.fork('out') }));
  }

  /** @returns the outputs and the branch (after the fifth CBL) that feeds the next finer scale */
  forward(x: tf.Tensor4D): { out: tf.Tensor4D; branch: tf.Tensor4D } {
    return tf.tidy(() => {
      let h = x;
      let branch: tf.Tensor4D | undefined;
      [...this.blocks].forEach((b, i) => {
        h = b.forward(h);
        if (i === 4) branch = h;
      });
      return { out: this.out.forward(h), branch: branch! };
    });
  }
}

/**
 * The authors' `DetectionLayers`: three maps from the g×g token map — 2g by a 1×1 conv and
 * corner-aligned bilinear ×2, g by a 1×1 conv, g/2 by a stride-2 1×1 conv (no bias) — each
 * through a ResNet bottleneck.
 */
export class NeckBackbone extends Module {
  readonly up: Conv2d;
  readonly mid: Conv2d;
  readonly down: Conv2d;
  readonly fine: Bottleneck;
  readonly middle: Bottleneck;
  readonly coarse: Bottleneck;

  constructor(inChannels: number, [c28, c14, c7]: [number, number, number], expansion: number, rng: Rng) {
    super();
    this.up = this.addModule('up', new Conv2d(inChannels, c28, 1, { padding: 0, rng: rng.fork('up') }));
    this.mid = this.addModule('mid', new Conv2d(inChannels, c14, 1, { padding: 0, rng: rng.fork('mid') }));
    this.down = this.addModule('down', new Conv2d(inChannels, c7, 1, { stride: 2, padding: 0, bias: false, rng: rng.fork('down') }));
    this.fine = this.addModule('fine', new Bottleneck(c28, expansion, rng.fork('fine')));
    this.middle = this.addModule('middle', new Bottleneck(c14, expansion, rng.fork('middle')));
    this.coarse = this.addModule('coarse', new Bottleneck(c7, expansion, rng.fork('coarse')));
  }

  /** @param x [B, g, g, D] @returns the [2g, g, g/2] maps */
  forward(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const g = x.shape[1];
    return tf.tidy(() => [
      this.fine.forward(resizeBilinear(this.up.forward(x), [2 * g, 2 * g], true)),
      this.middle.forward(this.mid.forward(x)),
      this.coarse.forward(this.down.forward(x)),
    ]);
  }
}

/** Nearest-neighbour ×2 upsampling (PyTorch `Upsample(scale_factor=2, mode='nearest')`), differentiable everywhere. */
export function upsampleNearest2(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const cols = tf.reshape(tf.stack([x, x], 3), [b, h, 2 * w, c]);
    return tf.reshape(tf.stack([cols, cols], 2), [b, 2 * h, 2 * w, c]) as tf.Tensor4D;
  });
}

/**
 * The authors' detector on a ViT (their `detector_backbone_vit.py` + `detector_model.py`, a
 * YOLOv3 from MGCA): an optional trainable Linear over the tokens (`det_head`), three backbone
 * maps from the g×g token map — 2g by a 1×1 conv and corner-aligned bilinear ×2, g by a 1×1
 * conv, g/2 by a stride-2 1×1 conv, each followed by a ResNet bottleneck — then YOLOv3's
 * top-down neck: the coarse map's embedding, its branch through a 1×1 CBL and nearest ×2
 * concatenated with the next finer map, and so on. Returns the raw outputs of the three
 * scales finest first (2g, g, g/2), as `DetectionHead` does, so `fitDetector`,
 * `evaluateDetection` and `decodeDetections` take either head.
 *
 * Parameter names: `det_head.*`, `backbone.{up,mid,down}.*` (the 1×1 convs),
 * `backbone.{fine,middle,coarse}.*` (bottlenecks), `embedding{0,1,2}.{blocks.<i>,out}.*`
 * (0 = coarse), `lateral{1,2}.*` (the 1×1 CBLs before each upsampling).
 *
 * @example
 * const head = new YoloNeckHead(768, yoloV3Config(224, 1)); // the authors' widths
 * const [p28, p14, p7] = head.forward(featureMap);          // [B, 14, 14, 768] in
 */
export class YoloNeckHead extends Module {
  readonly tokenHead?: Linear;
  readonly backbone: NeckBackbone;
  readonly embedding0: YoloEmbedding;
  readonly lateral1: ConvBnLeaky;
  readonly embedding1: YoloEmbedding;
  readonly lateral2: ConvBnLeaky;
  readonly embedding2: YoloEmbedding;
  readonly widths: YoloNeckWidths;

  constructor(
    readonly inChannels: number,
    readonly config: DetectionConfig,
    options: YoloNeckOptions = {},
  ) {
    super();
    checkDetectionConfig(config);
    if (config.scales.length !== 3) throw new Error(`YoloNeckHead: needs 3 scales (fine, middle, coarse), the config has ${config.scales.length}`);
    const [g2, g1, g0] = config.scales.map((s) => s.grid);
    if (g2 !== 2 * g1 || g0 * 2 !== g1) throw new Error(`YoloNeckHead: scale grids must be 2g, g, g/2, got ${g2}, ${g1}, ${g0}`);
    const rng = options.rng ?? new Rng(0);
    const expansion = options.expansion ?? 4;
    this.widths = options.widths ?? AUTHORS_YOLO_NECK;
    const [c28, c14, c7] = this.widths.backbone;
    const [f28, f14, f7] = this.widths.filters;
    const out = config.scales[0].anchors.length * (5 + config.numClasses);
    if (options.tokenProjection ?? true) {
      const bound = 1 / Math.sqrt(inChannels);
      this.tokenHead = this.addModule(
        'det_head',
        new Linear(inChannels, inChannels, { init: (shape, r) => uniformInit(shape, r, -bound, bound), rng: rng.fork('det_head') }),
      );
    }
    this.backbone = this.addModule('backbone', new NeckBackbone(inChannels, [c28, c14, c7], expansion, rng.fork('backbone')));
    this.embedding0 = this.addModule('embedding0', new YoloEmbedding(c7, f7, out, rng.fork('embedding0')));
    this.lateral1 = this.addModule('lateral1', new ConvBnLeaky(f7[0], f14[0], 1, rng.fork('lateral1')));
    this.embedding1 = this.addModule('embedding1', new YoloEmbedding(c14 + f14[0], f14, out, rng.fork('embedding1')));
    this.lateral2 = this.addModule('lateral2', new ConvBnLeaky(f14[0], f28[0], 1, rng.fork('lateral2')));
    this.embedding2 = this.addModule('embedding2', new YoloEmbedding(c28 + f28[0], f28, out, rng.fork('embedding2')));
  }

  /** @param features [B, g, g, D] @returns [B, 2g, 2g, A·(5 + C)], [B, g, g, …], [B, g/2, g/2, …] raw outputs */
  forward(features: tf.Tensor4D): tf.Tensor4D[] {
    const grid = this.config.scales[1].grid;
    if (features.rank !== 4 || features.shape[3] !== this.inChannels || features.shape[1] !== grid || features.shape[2] !== grid) {
      throw new Error(`YoloNeckHead: features [${features.shape}] are not [B, ${grid}, ${grid}, ${this.inChannels}]`);
    }
    return tf.tidy(() => {
      const x = this.tokenHead ? (this.tokenHead.forward(features) as tf.Tensor4D) : features;
      const [x28, x14, x7] = this.backbone.forward(x);
      const e0 = this.embedding0.forward(x7);
      const e1 = this.embedding1.forward(tf.concat([upsampleNearest2(this.lateral1.forward(e0.branch)), x14], 3) as tf.Tensor4D);
      const e2 = this.embedding2.forward(tf.concat([upsampleNearest2(this.lateral2.forward(e1.branch)), x28], 3) as tf.Tensor4D);
      return [e2.out, e1.out, e0.out];
    });
  }
}
