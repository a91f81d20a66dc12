/**
 * Patchify / unpatchify between NHWC images and per-patch pixel vectors, MAE's layout:
 * patches in row-major grid order (k = i * gw + j), each flattened as (p, q, c)
 * (row in patch, column in patch, channel). Reshape + transpose only, so gradients flow.
 */
import { tf } from '@ecamp/core';

/** Patch grid of an image: rows, columns and patches per image. */
export interface PatchGrid {
  rows: number;
  cols: number;
  numPatches: number;
}

/** Checks that `height × width` tiles exactly into `patchSize` squares; returns the grid. */
export function patchGrid(height: number, width: number, patchSize: number): PatchGrid {
  if (!Number.isInteger(patchSize) || patchSize <= 0) throw new Error(`patchSize must be a positive integer, got ${patchSize}`);
  if (height % patchSize !== 0 || width % patchSize !== 0 || height <= 0 || width <= 0) {
    throw new Error(`image ${height}x${width} does not tile into ${patchSize}x${patchSize} patches`);
  }
  const rows = height / patchSize;
  const cols = width / patchSize;
  return { rows, cols, numPatches: rows * cols };
}

/**
 * @param imgs [B, H, W, C]
 * @returns [B, (H/p)*(W/p), p*p*C]
 */
export function patchify(imgs: tf.Tensor, patchSize: number): tf.Tensor3D {
  if (imgs.rank !== 4) throw new Error(`patchify: expected NHWC [B, H, W, C], got [${imgs.shape}]`);
  const [b, h, w, c] = imgs.shape;
  const { rows, cols } = patchGrid(h, w, patchSize);
  const p = patchSize;
  return tf.tidy(() => {
    // [B, rows, p, cols, p, C] → [B, rows, cols, p, p, C] written as one rank-4 transpose of
    // [B·rows, p, cols, p·C] (rank-4 transposes are the fast ones on wasm)
    const x = tf.reshape(imgs, [b * rows, p, cols, p * c]);
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, rows * cols, p * p * c]) as tf.Tensor3D;
  });
}

/**
 * Inverse of {@link patchify}.
 * @param patches [B, rows*cols, p*p*C]
 * @param gridRows patch rows (default: square grid)
 * @returns [B, rows*p, cols*p, C]
 */
export function unpatchify(patches: tf.Tensor, patchSize: number, channels = 3, gridRows?: number): tf.Tensor4D {
  if (patches.rank !== 3) throw new Error(`unpatchify: expected [B, L, p*p*C], got [${patches.shape}]`);
  const [b, l, f] = patches.shape;
  const p = patchSize;
  if (f !== p * p * channels) throw new Error(`unpatchify: last dim ${f} is not p*p*C = ${p * p * channels}`);
  const rows = gridRows ?? Math.round(Math.sqrt(l));
  const cols = l / rows;
  if (!Number.isInteger(cols) || rows * cols !== l) throw new Error(`unpatchify: ${l} patches do not form a grid with ${rows} rows`);
  return tf.tidy(() => {
    // inverse of patchify's [B·rows, p, cols, p·C] → [B·rows, cols, p, p·C]
    const x = tf.reshape(patches, [b * rows, cols, p, p * channels]);
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, rows * p, cols * p, channels]) as tf.Tensor4D;
  });
}
