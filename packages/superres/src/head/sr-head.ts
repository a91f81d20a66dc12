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
import { Conv2d, cropWindows, Module, resizeBilinear, Rng, tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, isValidWindow, viewSizePx, type ContextWindow, type WindowGeometry } from '../window/grid.js';

/** Final activation of the SR head. */
export type SrFinalActivation = 'none' | 'relu';

/** Every {@link SrFinalActivation}, for validating configuration (e.g. a schema's enum). */
export const SR_FINAL_ACTIVATIONS: readonly SrFinalActivation[] = Object.freeze(['none', 'relu']);

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

  /**
   * The SR output inside each example's window only — what the loss needs — computed on the
   * window plus a 2-pixel halo instead of the whole view (ECAMP: 388² instead of 448² pixels,
   * ~25 % less conv work and memory), and equal to cropping {@link forward}'s output.
   *
   * Exactness: an output pixel depends on the hidden map within 1 pixel, which depends on the
   * upsampled input within 2 pixels, so a halo of 2 suffices. Where the halo leaves the image the
   * crop is zero-padded like the full convolution's 'same' padding, and the hidden map there is
   * zeroed, because the full second convolution also sees zeros outside the image.
   *
   * @param x [B, h, w, C] with h·s = w·s = gridSize·cellPx (ECAMP 224 → 448)
   * @param windows one top-left cell (i = row, j = column) per example
   * @returns [B, W, W, C] with W = windowCells·cellPx (ECAMP 384)
   */
  forwardWindows(x: tf.Tensor4D, windows: readonly ContextWindow[], geometry: WindowGeometry = ECAMP_WINDOW_GEOMETRY): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.channels) throw new Error(`SrHead: input must be [B, h, w, ${this.channels}], got [${x.shape}]`);
    const [b, h, w] = x.shape;
    const size = viewSizePx(geometry);
    if (h * this.scale !== size || w * this.scale !== size) {
      throw new Error(`SrHead.forwardWindows: input ${h}×${w} upsampled ×${this.scale} is not the ${size}×${size} view of the window grid`);
    }
    if (windows.length !== b) throw new Error(`SrHead.forwardWindows: ${windows.length} windows for a batch of ${b}`);
    const side = geometry.windowCells * geometry.cellPx;
    const halo = 2;
    const crop = side + 2 * halo;
    return tf.tidy(() => {
      const up = resizeBilinear(x, [size, size]);
      const valid = new Float32Array(b * crop * crop);
      const origins = windows.map((win, k) => {
        if (!isValidWindow(win, geometry)) throw new Error(`SrHead.forwardWindows: window ${k} (i=${win.i}, j=${win.j}) does not fit the grid`);
        // Rows/columns [start − halo, start + side + halo); outside the view reads 0 and is marked invalid.
        const y0 = win.i * geometry.cellPx - halo;
        const x0 = win.j * geometry.cellPx - halo;
        const [cy0, cx0] = [Math.max(0, y0), Math.max(0, x0)];
        const [cy1, cx1] = [Math.min(size, y0 + crop), Math.min(size, x0 + crop)];
        for (let yy = cy0 - y0; yy < cy1 - y0; yy++) valid.fill(1, (k * crop + yy) * crop + (cx0 - x0), (k * crop + yy) * crop + (cx1 - x0));
        return { top: y0, left: x0 };
      });
      // One op: its gradient is a single [B, 448, 448, C] buffer, not one per window.
      const upCrop = cropWindows(up as tf.Tensor4D, origins, [crop, crop]);
      const hidden = tf.mul(tf.relu(this.conv1.forward(upCrop)), tf.tensor4d(valid, [b, crop, crop, 1])) as tf.Tensor4D;
      const refined = this.conv2.forward(hidden);
      const inner = (t: tf.Tensor4D) => tf.slice(t, [0, halo, halo, 0], [b, side, side, this.channels]);
      const out = tf.add(inner(refined), inner(upCrop)) as tf.Tensor4D;
      return this.finalActivation === 'relu' ? tf.relu(out) : out;
    });
  }
}
