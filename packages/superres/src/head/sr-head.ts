/**
 * ECAMP's super-resolution head: it refines the MIM prediction (un-patchified to an image
 * at the encoder's resolution) into the high-resolution view.
 *
 *   up  = bilinear×s(x)                        (half-pixel centres, PyTorch align_corners=False)
 *   out = act(conv3×3(ReLU(conv3×3(up))) + up) act = identity (default) or ReLU
 *
 * The authors end with ReLU, which cannot produce the negative values of normalised targets
 * (method.md, quirk 2); the default has no final activation, ReLU is the option.
 * Parameters: `conv1.weight` [3, 3, C, hidden], `conv1.bias`, `conv2.weight` [3, 3, hidden, C],
 * `conv2.bias` (NHWC / TF layouts; PyTorch convs convert with core's `torchConvToTf`).
 */
import { Conv2d, Module, resizeBilinear, Rng, tf } from '@ecamp/core';

/** Final activation of the SR head. */
export type SrFinalActivation = 'none' | 'relu';

/** Options of {@link SrHead}. */
export interface SrHeadOptions {
  /** Image channels C in and out (default 3). */
  channels?: number;
  /** Channels between the two convs (default 3, the authors' width). */
  hidden?: number;
  /** Integer upsampling factor s (default 2: 224 → 448). */
  scale?: number;
  /** Final activation (default `'none'`; `'relu'` as the authors' code). */
  finalActivation?: SrFinalActivation;
  /** Random source of the conv initialisation (default `new Rng(0)`). */
  rng?: Rng;
}

/** The SR head (see the file comment). */
export class SrHead extends Module {
  readonly channels: number;
  readonly hidden: number;
  readonly scale: number;
  readonly finalActivation: SrFinalActivation;
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;

  constructor(opts: SrHeadOptions = {}) {
    super();
    this.channels = opts.channels ?? 3;
    this.hidden = opts.hidden ?? 3;
    this.scale = opts.scale ?? 2;
    this.finalActivation = opts.finalActivation ?? 'none';
    for (const [k, v] of Object.entries({ channels: this.channels, hidden: this.hidden, scale: this.scale })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`SrHead: ${k} must be a positive integer, got ${v}`);
    }
    if (this.finalActivation !== 'none' && this.finalActivation !== 'relu') {
      throw new Error(`SrHead: finalActivation must be 'none' or 'relu', got '${this.finalActivation}'`);
    }
    const rng = opts.rng ?? new Rng(0);
    this.conv1 = this.addModule('conv1', new Conv2d(this.channels, this.hidden, 3, { padding: 'same', rng: rng.fork('conv1') }));
    this.conv2 = this.addModule('conv2', new Conv2d(this.hidden, this.channels, 3, { padding: 'same', rng: rng.fork('conv2') }));
  }

  /**
   * @param x [B, h, w, C] (the un-patchified MIM prediction, normalised pixels)
   * @returns [B, h·s, w·s, C]
   */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.channels) throw new Error(`SrHead: input must be [B, h, w, ${this.channels}], got [${x.shape}]`);
    return tf.tidy(() => {
      const [, h, w] = x.shape;
      const up = resizeBilinear(x, [h * this.scale, w * this.scale]);
      const refined = this.conv2.forward(tf.relu(this.conv1.forward(up)));
      const out = tf.add(refined, up) as tf.Tensor4D;
      return this.finalActivation === 'relu' ? tf.relu(out) : out;
    });
  }
}
