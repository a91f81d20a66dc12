/**
 * The pre-training and downstream image transforms (paper §1, §8), run on
 * sharp's thread pool. Each returns float32 NHWC pixels (three channels,
 * normalised) and the {@link TransformGeometry} it applied (see geometry.ts
 * for the coordinate conventions), so boxes, masks and the super-resolution
 * window can follow.
 *
 * Resampling: sharp's `cubic` kernel (Catmull–Rom, a = −0.5) where the paper
 * uses PyTorch bicubic (a = −0.75); masks use nearest neighbour.
 */
import type { Rng } from '@ecamp/io';
import { centerCropBox, sampleResizedCrop, type CropBox, type TransformGeometry } from './geometry.js';
import { DOWNSTREAM_NORM, PRETRAIN_NORM, writeNormalized } from './normalize.js';
import { ImageInputError } from './limits.js';
import type { OpenedImage } from './source.js';

/** Output of a transform: pixels plus geometry. */
export interface TransformResult extends TransformGeometry {
  /** Float32 NHWC `[outH, outW, 3]` (a view into `out` when one was given). */
  pixels: Float32Array;
}

/** Pre-training transform result with the names the trainer uses. */
export interface PretrainView extends TransformResult {
  /** Float32 `[448, 448, 3]`, normalised with mean 0.4721 / std 0.3037. */
  view448: Float32Array;
}

/** Options of {@link pretrainTransform}. */
export interface PretrainTransformOptions {
  /** Output side (default 448). */
  size?: number;
  /** Crop area fraction range (default [0.2, 1]). */
  scale?: [number, number];
  /** Crop aspect ratio range w/h (default [3/4, 4/3]). */
  ratio?: [number, number];
  /** Flip probability (default 0.5). */
  flipProbability?: number;
  /** Normalisation (default the paper's pre-training mean/std). */
  norm?: { mean: number; std: number };
  /** Write into this buffer at `offset` floats instead of allocating. */
  out?: Float32Array;
  offset?: number;
}

async function render(
  img: OpenedImage,
  crop: CropBox,
  outW: number,
  outH: number,
  flip: boolean,
  norm: { mean: number; std: number },
  out?: Float32Array,
  offset = 0,
): Promise<TransformResult> {
  let p = img.pipeline().extract({ left: crop.x, top: crop.y, width: crop.w, height: crop.h }).resize(outW, outH, { kernel: 'cubic', fit: 'fill' });
  if (flip) p = p.flop();
  let raw: Buffer;
  try {
    // sharp's raw output defaults to 8 bit; ask for 16 bit explicitly to keep the precision.
    raw = await p.raw(img.bitDepth === 16 ? { depth: 'ushort' } : {}).toBuffer();
  } catch (err) {
    throw new ImageInputError('corrupt-image', `${img.name}: cannot decode image (${(err as Error).message.replace(/\s+/g, ' ').trim()})`);
  }
  const expected = outW * outH * img.channels * (img.bitDepth / 8);
  if (raw.length !== expected) throw new ImageInputError('corrupt-image', `${img.name}: decoder returned ${raw.length} bytes, expected ${expected}`);
  const target = out ?? new Float32Array(outW * outH * 3);
  writeNormalized(raw, img.channels, img.bitDepth, norm, target, out ? offset : 0);
  const pixels = out ? out.subarray(offset, offset + outW * outH * 3) : target;
  return { pixels, sourceSize: { width: img.width, height: img.height }, crop, flip, outSize: { width: outW, height: outH } };
}

/**
 * Paper pre-training transform: random-resized crop (scale 0.2–1, ratio
 * 3/4–4/3) resized to 448 (bicubic), horizontal flip with p = 0.5, grey → 3
 * channels, normalise (0.4721 / 0.3037). The 224 encoder input is derived from
 * this view by the vision package. Random choices come from `rng` (crop first, then flip).
 */
export async function pretrainTransform(img: OpenedImage, rng: Rng, options: PretrainTransformOptions = {}): Promise<PretrainView> {
  const size = options.size ?? 448;
  const crop = sampleResizedCrop(rng, img.width, img.height, options.scale ?? [0.2, 1], options.ratio ?? [3 / 4, 4 / 3]);
  const flip = rng.uniform() < (options.flipProbability ?? 0.5);
  const r = await render(img, crop, size, size, flip, options.norm ?? PRETRAIN_NORM, options.out, options.offset);
  return { ...r, view448: r.pixels };
}

/** Options of {@link downstreamTransform}. */
export interface DownstreamTransformOptions {
  /** Output side (default 224). */
  size?: number;
  /**
   * `resize` (default): the whole image resized to size × size.
   * `center-crop`: shorter side resized to `resizeTo` (default = size), then a centred size × size crop.
   */
  mode?: 'resize' | 'center-crop';
  resizeTo?: number;
  /** Normalisation (default the paper's downstream mean/std). */
  norm?: { mean: number; std: number };
  out?: Float32Array;
  offset?: number;
}

/** Crop box in source pixels equivalent to "resize shorter side to R, centre-crop S". */
export function centerCropForResize(width: number, height: number, resizeTo: number, size: number): CropBox {
  const scale = resizeTo / Math.min(width, height);
  return centerCropBox(width, height, Math.round(size / scale), Math.round(size / scale));
}

/** Paper downstream transform: resize (or resize + centre-crop) to 224, grey → 3 channels, normalise (0.4722 / 0.3028). */
export async function downstreamTransform(img: OpenedImage, options: DownstreamTransformOptions = {}): Promise<TransformResult> {
  const size = options.size ?? 224;
  const crop =
    (options.mode ?? 'resize') === 'resize'
      ? { x: 0, y: 0, w: img.width, h: img.height }
      : centerCropForResize(img.width, img.height, options.resizeTo ?? size, size);
  return render(img, crop, size, size, false, options.norm ?? DOWNSTREAM_NORM, options.out, options.offset);
}

/**
 * Carries a mask image (e.g. a segmentation PNG) through a geometry with
 * nearest-neighbour resampling; returns 0/1 bytes `[outH, outW]` (non-zero
 * source values are foreground).
 */
export async function transformMask(mask: OpenedImage, g: TransformGeometry): Promise<Uint8Array> {
  if (mask.width !== g.sourceSize.width || mask.height !== g.sourceSize.height) {
    throw new Error(`${mask.name}: mask is ${mask.width}×${mask.height} but its image is ${g.sourceSize.width}×${g.sourceSize.height}`);
  }
  let p = mask
    .pipeline()
    .extract({ left: g.crop.x, top: g.crop.y, width: g.crop.w, height: g.crop.h })
    .resize(g.outSize.width, g.outSize.height, { kernel: 'nearest', fit: 'fill' });
  if (g.flip) p = p.flop();
  // 8-bit output saturates 16-bit values, so any non-zero sample stays non-zero.
  const raw = await p.extractChannel(0).raw().toBuffer();
  const out = new Uint8Array(g.outSize.width * g.outSize.height);
  for (let i = 0; i < out.length; i++) out[i] = raw[i] ? 1 : 0;
  return out;
}
