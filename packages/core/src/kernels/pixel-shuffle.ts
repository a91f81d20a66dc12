import { tf } from '../tf.js';

/**
 * Depth-to-space (TF `depth_to_space`, NHWC) built from reshape + transpose so that it has a
 * gradient on every backend (the `DepthToSpace` kernel has none).
 * Channel index = (i·r + j)·C + c moves to pixel (h·r + i, w·r + j), as tf.nn.depth_to_space.
 * (PyTorch's `pixel_shuffle` on NCHW uses c·r² + i·r + j; convert weights accordingly.)
 *
 * @param x [B, H, W, C·r²]
 * @param r block size
 * @returns [B, H·r, W·r, C]
 */
export function depthToSpace(x: tf.Tensor4D, r: number): tf.Tensor4D {
  const [b, h, w, cr] = x.shape;
  if (!Number.isInteger(r) || r < 1 || cr % (r * r) !== 0) {
    throw new Error(`depthToSpace: channels ${cr} not divisible by r²=${r * r}`);
  }
  const c = cr / (r * r);
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [b, h, w, r, r, c]), [0, 1, 3, 2, 4, 5]), [b, h * r, w * r, c]));
}

/** Alias of {@link depthToSpace} (NHWC, TF channel order). */
export const pixelShuffle = depthToSpace;
