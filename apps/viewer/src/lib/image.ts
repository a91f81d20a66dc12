/**
 * A chosen radiograph → the encoder's input, as ECAMP's downstream evaluation prepares it:
 * 8-bit RGB(A) pixels, scaled to [0, 1], normalised with the paper's downstream mean and standard
 * deviation, resized to the model's side.
 */
import { tf } from '@ecamp/core';

/** The paper's downstream normalisation (the same numbers as `@ecamp/data`'s `DOWNSTREAM_NORM`; a test checks). */
export const DOWNSTREAM_NORM = { mean: 0.4722, std: 0.3028 } as const;

/** Decoded pixels, 4 bytes per pixel (RGBA, as a canvas `ImageData`), row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * @returns [1, size, size, 3] float32. An image already `size`×`size` is used as it is; others are
 *   resized bilinearly (half-pixel centres) — the trainer resizes with bicubic sharp, so give
 *   `size`×`size` images where values must match the trainer's exactly.
 */
export function imageToInput(image: RgbaImage, size: number, norm: { mean: number; std: number } = DOWNSTREAM_NORM): tf.Tensor4D {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new Error(`imageToInput: ${width}×${height} image needs ${width * height * 4} RGBA bytes, got ${data.length}`);
  }
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    rgb[j] = (data[i] / 255 - norm.mean) / norm.std;
    rgb[j + 1] = (data[i + 1] / 255 - norm.mean) / norm.std;
    rgb[j + 2] = (data[i + 2] / 255 - norm.mean) / norm.std;
  }
  return tf.tidy(() => {
    const x = tf.tensor4d(rgb, [1, height, width, 3]);
    return width === size && height === size ? x : (tf.image.resizeBilinear(x, [size, size], false, true) as tf.Tensor4D);
  });
}
