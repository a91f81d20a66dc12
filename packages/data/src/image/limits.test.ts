import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LIMITS, ImageInputError, checkImageSize } from './limits.js';

describe('checkImageSize', () => {
  it('accepts sizes within the limits and refuses too many pixels or a too-short side, naming the limit', () => {
    expect(() => checkImageSize(8192, 8192, DEFAULT_IMAGE_LIMITS, 'a.png')).not.toThrow();
    expect(() => checkImageSize(16, 4000, DEFAULT_IMAGE_LIMITS, 'a.png')).not.toThrow();
    expect(() => checkImageSize(20000, 20000, DEFAULT_IMAGE_LIMITS, 'big.png')).toThrow(
      'big.png: image is 20000×20000 (400,000,000 pixels), over the limit of 67,108,864 pixels (maxPixels); refused before decoding',
    );
    expect(() => checkImageSize(1, 1, DEFAULT_IMAGE_LIMITS, 'dot.png')).toThrow(
      'dot.png: image is 1×1, under the minimum of 16 px a side (minSide); refused before decoding',
    );
    expect(() => checkImageSize(100, 10, { maxPixels: 1e6, minSide: 16 }, 'x')).toThrow(/100×10, under the minimum of 16 px/);
    try {
      checkImageSize(1, 1, { maxPixels: 10, minSide: 2 }, 'x');
    } catch (err) {
      expect(err).toBeInstanceOf(ImageInputError);
      expect((err as ImageInputError).reason).toBe('image-size');
    }
    expect.assertions(7);
  });
});
