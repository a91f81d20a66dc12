import { tf } from '../tf.js';
import { linear } from './linear.js';

/**
 * Interpolation matrix R [out, in] of 1-D linear resampling, PyTorch semantics:
 * half-pixel source coordinates clamped at 0 (align_corners=False) or corner-aligned.
 */
export function bilinearMatrix(inSize: number, outSize: number, alignCorners: boolean): Float32Array {
  const r = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    let src: number;
    if (alignCorners) src = outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
    else src = Math.max(((o + 0.5) * inSize) / outSize - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const lambda = src - i0;
    r[o * inSize + i0] += 1 - lambda;
    r[o * inSize + i1] += lambda;
  }
  return r;
}

/**
 * Bilinear resize with a correct gradient, matching PyTorch `F.interpolate(mode='bilinear',
 * align_corners=False)` by default. Written as two interpolation-matrix products (rows, then
 * columns) through {@link linear}, because tfjs's `ResizeBilinearGrad` ignores half-pixel centres
 * (its gradient is wrong for the PyTorch-style resize) and the matmul form runs on XNNPACK.
 *
 * @param x [B, H, W, C]
 * @param size [outH, outW]
 * @param alignCorners PyTorch's align_corners (default false)
 * @returns [B, outH, outW, C]
 */
export function resizeBilinear(x: tf.Tensor4D, size: [number, number], alignCorners = false): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const [oh, ow] = size;
  if (!(oh > 0 && ow > 0 && Number.isInteger(oh) && Number.isInteger(ow))) {
    throw new Error(`resizeBilinear: size [${size}] must be positive integers`);
  }
  return tf.tidy(() => {
    const rh = tf.tensor2d(bilinearMatrix(h, oh, alignCorners), [oh, h]);
    const rw = tf.tensor2d(bilinearMatrix(w, ow, alignCorners), [ow, w]);
    // rows: [H, B·W·C] → Rh·X → [oH, B, W, C]
    const xh = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, b * w * c]);
    const yh = tf.reshape(linear(rh, xh), [oh, b, w, c]);
    // columns: [W, B·oH·C] → Rw·Y → [oW, B, oH, C]
    const xw = tf.reshape(tf.transpose(yh, [2, 1, 0, 3]), [w, b * oh * c]);
    const yw = tf.reshape(linear(rw, xw), [ow, b, oh, c]);
    return tf.transpose(yw, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}
