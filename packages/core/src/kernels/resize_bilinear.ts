import { tf } from '../tf.js';

/**
 * Bilinear resize with a gradient, matching PyTorch `F.interpolate(mode='bilinear',
 * align_corners=False)` by default (half-pixel centres).
 * @param x [B, H, W, C]
 * @param size [outH, outW]
 * @param alignCorners PyTorch's align_corners (default false)
 * @returns [B, outH, outW, C]
 */
export function resizeBilinear(x: tf.Tensor4D, size: [number, number], alignCorners = false): tf.Tensor4D {
  return tf.image.resizeBilinear(x, size, alignCorners, !alignCorners);
}
