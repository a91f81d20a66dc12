/**
 * Size limits for images, checked on the header before any pixel is decoded,
 * and the error an unusable image raises (its `reason` is the bad-sample
 * reason the loader counts it under).
 */

/** Size limits checked on the header, before decoding. */
export interface ImageLimits {
  /** Largest width × height accepted. */
  maxPixels: number;
  /** Smallest width and height accepted. */
  minSide: number;
}

/**
 * Default limits: at most 8192 × 8192 pixels (67,108,864; chest radiographs are
 * up to ~4,300 px a side, mammograms ~4,000 × 5,600), at least 16 px a side
 * (one ViT patch).
 */
export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = Object.freeze({ maxPixels: 8192 * 8192, minSide: 16 });

/** Why an image could not be used; `reason` is the bad-sample reason the loader counts it under. */
export class ImageInputError extends Error {
  constructor(
    readonly reason: 'missing-image' | 'corrupt-image' | 'image-size',
    message: string,
  ) {
    super(message);
    this.name = 'ImageInputError';
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Throws an `image-size` {@link ImageInputError} when `width × height` is outside `limits`. */
export function checkImageSize(width: number, height: number, limits: ImageLimits, name: string): void {
  if (width * height > limits.maxPixels) {
    throw new ImageInputError(
      'image-size',
      `${name}: image is ${width}×${height} (${fmt(width * height)} pixels), over the limit of ${fmt(limits.maxPixels)} pixels (maxPixels); refused before decoding`,
    );
  }
  if (Math.min(width, height) < limits.minSide) {
    throw new ImageInputError(
      'image-size',
      `${name}: image is ${width}×${height}, under the minimum of ${limits.minSide} px a side (minSide); refused before decoding`,
    );
  }
}
