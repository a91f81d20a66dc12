/**
 * Decoding one sample for fine-tuning: the image through the authors' transforms — training
 * classification: random-resized crop (scale 0.08–1, ratio 3/4–4/3) + horizontal flip; testing
 * classification: resize the shorter side + centre crop; segmentation and detection: the
 * whole image resized — colour turned grey (ITU-R 601 luma, PIL's `convert('L')`) and
 * repeated over three channels unless `--colour rgb`, normalised with the downstream mean and
 * std; the mask or boxes carried through the same geometry. Every failure names the sample's
 * list file, line and field, and the image or mask file.
 */
import {
  DOWNSTREAM_NORM,
  ImageInputError,
  downstreamTransform,
  mapBox,
  openImage,
  pretrainTransform,
  siimRecordMask,
  type OpenedImage,
  type TransformGeometry,
} from '@ecamp/data';
import type { BadSampleWhere } from '@ecamp/data';
import { deriveSeed, Rng } from '@ecamp/io';
import type { Box } from '@ecamp/downstream';
import type { Sample } from './data.js';

/** ITU-R 601-2 luma, the weights of PIL's `convert('L')` and torchvision's `Grayscale`. */
export const LUMA_601: readonly [number, number, number] = [0.299, 0.587, 0.114];

/** How images are decoded. */
export interface DecodeSettings {
  /** Output side in pixels. */
  size: number;
  /** `grey`: colour images become luma repeated on three channels; `rgb`: kept. */
  colour: 'grey' | 'rgb';
  /** `train-crop`: random-resized crop + flip; `centre-crop`: shorter side resized, centre crop; `resize`: whole image. */
  transform: 'train-crop' | 'centre-crop' | 'resize';
}

/** A decoded sample. */
export interface DecodedSample {
  /** Float32 `[size, size, 3]`, normalised. */
  pixels: Float32Array;
  /** Segmentation: 0/1 `[size, size]`. */
  mask?: Uint8Array;
  /** Detection: boxes in output pixels (boxes cropped away are dropped). */
  boxes?: Box[];
}

/** A sample whose image, mask or boxes cannot be used; the message names where it came from. */
export class SampleError extends Error {
  /** The list file, line and field of the sample. */
  readonly where: BadSampleWhere;

  constructor(
    readonly sample: Sample,
    readonly detail: string,
    readonly reason: 'missing-image' | 'corrupt-image' | 'image-size' | 'bad-value' = 'bad-value',
  ) {
    const w: BadSampleWhere = { file: sample.origin.file, line: sample.origin.line, field: sample.origin.field };
    super(`${w.file}${w.line !== undefined ? `:${w.line}` : ''}${w.field ? ` (field "${w.field}")` : ''}: ${detail}`);
    this.where = w;
    this.name = 'SampleError';
  }
}

/** The image with colour turned to luma on all three channels (linear, so it commutes with the resize). */
export function greyImage(img: OpenedImage): OpenedImage {
  if (img.channels === 1) return img;
  const [r, g, b] = LUMA_601;
  return {
    ...img,
    pipeline: () =>
      img.pipeline().recomb([
        [r, g, b],
        [r, g, b],
        [r, g, b],
      ]),
  };
}

/**
 * A 0/1 mask at source size resampled through a transform's geometry, nearest neighbour at
 * output pixel centres (crop, resize, then the flip).
 */
export function resampleMask(mask: Uint8Array, g: TransformGeometry): Uint8Array {
  const { width: sw, height: sh } = g.sourceSize;
  if (mask.length !== sw * sh) throw new Error(`resampleMask: ${mask.length} values for a ${sw}×${sh} image`);
  const { width: ow, height: oh } = g.outSize;
  const out = new Uint8Array(ow * oh);
  for (let r = 0; r < oh; r++) {
    const sy = Math.min(sh - 1, Math.max(0, Math.floor(g.crop.y + ((r + 0.5) * g.crop.h) / oh)));
    for (let c = 0; c < ow; c++) {
      const cc = g.flip ? ow - 1 - c : c;
      const sx = Math.min(sw - 1, Math.max(0, Math.floor(g.crop.x + ((cc + 0.5) * g.crop.w) / ow)));
      out[r * ow + c] = mask[sy * sw + sx] ? 1 : 0;
    }
  }
  return out;
}

/** Boxes `[x1, y1, x2, y2]` (source pixels) filled into a 0/1 mask of the source size (RSNA's boxes as masks). */
export function boxesMask(boxes: Box[], width: number, height: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (const [x1, y1, x2, y2] of boxes) {
    for (let y = Math.max(0, Math.floor(y1)); y < Math.min(height, Math.ceil(y2)); y++) {
      for (let x = Math.max(0, Math.floor(x1)); x < Math.min(width, Math.ceil(x2)); x++) m[y * width + x] = 1;
    }
  }
  return m;
}

async function sourceMask(sample: Sample, width: number, height: number): Promise<Uint8Array> {
  const m = sample.mask!;
  if (m.kind === 'boxes') return boxesMask(m.boxes, width, height);
  if (m.kind === 'rle') {
    return siimRecordMask(
      { id: m.id, imagePath: sample.imagePath, rles: m.rles, origin: { file: sample.origin.file, line: sample.origin.line ?? 0 } },
      width,
      height,
    );
  }
  let mask: OpenedImage;
  try {
    mask = await openImage(m.path);
  } catch (e) {
    throw new SampleError(sample, `mask: ${(e as Error).message}`, e instanceof ImageInputError ? e.reason : 'corrupt-image');
  }
  if (mask.width !== width || mask.height !== height) {
    throw new SampleError(sample, `mask ${m.path} is ${mask.width}×${mask.height} but its image ${sample.imagePath} is ${width}×${height}`);
  }
  let raw: Buffer;
  try {
    raw = await mask.pipeline().extractChannel(0).raw().toBuffer();
  } catch (e) {
    throw new SampleError(sample, `mask ${m.path}: cannot decode (${(e as Error).message})`, 'corrupt-image');
  }
  const out = new Uint8Array(width * height);
  const step = raw.length / (width * height); // 16-bit masks come back as two bytes per pixel
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let b = 0; b < step; b++) v |= raw[i * step + b];
    out[i] = v ? 1 : 0;
  }
  return out;
}

/**
 * Decodes `sample` with `settings`. `seed`, `epoch` and `index` fix the random crop and
 * flip of a training view (`train-crop`), so a run is reproducible.
 */
export async function decodeSample(sample: Sample, settings: DecodeSettings, seed = 0, epoch = 0, index = 0): Promise<DecodedSample> {
  let img: OpenedImage;
  try {
    img = await openImage(sample.imagePath);
  } catch (e) {
    throw new SampleError(sample, (e as Error).message, e instanceof ImageInputError ? e.reason : 'corrupt-image');
  }
  if (settings.colour === 'grey') img = greyImage(img);
  let view: { pixels: Float32Array } & TransformGeometry;
  try {
    view =
      settings.transform === 'train-crop'
        ? await pretrainTransform(img, Rng.sfc32(deriveSeed(seed, epoch, index)), {
            size: settings.size,
            scale: [0.08, 1],
            ratio: [3 / 4, 4 / 3],
            flipProbability: 0.5,
            norm: DOWNSTREAM_NORM,
          })
        : await downstreamTransform(img, {
            size: settings.size,
            mode: settings.transform === 'centre-crop' ? 'center-crop' : 'resize',
            resizeTo: settings.size,
          });
  } catch (e) {
    throw new SampleError(sample, (e as Error).message, e instanceof ImageInputError ? e.reason : 'corrupt-image');
  }
  const out: DecodedSample = { pixels: view.pixels };
  if (sample.mask) {
    try {
      out.mask = resampleMask(await sourceMask(sample, img.width, img.height), view);
    } catch (e) {
      if (e instanceof SampleError) throw e;
      throw new SampleError(sample, (e as Error).message.replace(/^.*?: ImageId/, 'ImageId'));
    }
  }
  if (sample.boxes) {
    out.boxes = [];
    for (const b of sample.boxes) {
      if (b[2] > img.width + 1e-6 || b[3] > img.height + 1e-6) {
        throw new SampleError(sample, `box [${b.join(', ')}] reaches outside the ${img.width}×${img.height} image ${sample.imagePath}`);
      }
      const m = mapBox(view, [b[0], b[1], b[2], b[3]]);
      if (m) out.boxes.push(m);
    }
  }
  return out;
}
