/**
 * The context-guided SR loss: mean squared error between the SR output and the real
 * high-resolution view **inside each example's context window only**, normalised by the
 * window's element count (pixels × channels) and averaged over the batch:
 *
 *   loss = (1/B) Σ_b Σ_{y,x ∈ window_b, c} (out − target)² / (windowPx² · C)
 *
 * With equal window sizes this equals PyTorch's `F.mse_loss(out[win], target[win])`.
 * Pixels outside the window contribute neither loss nor gradient.
 */
import { cropWindows, tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, viewSizePx, type ContextWindow, type WindowGeometry } from '../window/grid.js';
import { windowMask } from './window-mask.js';

/** Options of {@link srWindowLoss}. */
export interface SrLossOptions {
  /** Grid and window sizes (default ECAMP: 14 cells of 32 px, 12-cell window). */
  geometry?: WindowGeometry;
}

/**
 * @param output SR head output [B, S, S, C] (S = gridSize·cellPx, ECAMP 448)
 * @param target the real high-resolution view [B, S, S, C], same normalisation
 * @param windows one top-left cell (i = row, j = column) per example
 * @returns scalar loss
 */
export function srWindowLoss(output: tf.Tensor4D, target: tf.Tensor4D, windows: readonly ContextWindow[], opts: SrLossOptions = {}): tf.Scalar {
  const geometry = opts.geometry ?? ECAMP_WINDOW_GEOMETRY;
  const size = viewSizePx(geometry);
  const [b, h, w, c] = output.shape;
  if (h !== size || w !== size) throw new Error(`srWindowLoss: output is ${h}×${w}, the window grid needs ${size}×${size} (gridSize·cellPx)`);
  if (target.shape.join() !== output.shape.join()) throw new Error(`srWindowLoss: target [${target.shape}] does not match output [${output.shape}]`);
  if (windows.length !== b) throw new Error(`srWindowLoss: ${windows.length} windows for a batch of ${b}`);
  const side = geometry.windowCells * geometry.cellPx;
  return tf.tidy(() => {
    const mask = windowMask(windows, geometry);
    const sq = tf.square(tf.sub(output, target));
    return tf.div(tf.sum(tf.mul(sq, mask)), b * side * side * c) as tf.Scalar;
  });
}

/**
 * The same loss from window crops of the SR output (`SrHead.forwardWindows`): the real view is
 * cropped to each window and compared; equal to {@link srWindowLoss} on the full output.
 * @param outputWindows [B, W, W, C], W = windowCells·cellPx
 * @param target the real high-resolution view [B, S, S, C]
 */
export function srWindowLossCropped(outputWindows: tf.Tensor4D, target: tf.Tensor4D, windows: readonly ContextWindow[], opts: SrLossOptions = {}): tf.Scalar {
  const geometry = opts.geometry ?? ECAMP_WINDOW_GEOMETRY;
  const side = geometry.windowCells * geometry.cellPx;
  const [b, h, w, c] = outputWindows.shape;
  if (h !== side || w !== side) throw new Error(`srWindowLossCropped: output windows are ${h}×${w}, the geometry's window is ${side}×${side}`);
  if (windows.length !== b) throw new Error(`srWindowLossCropped: ${windows.length} windows for a batch of ${b}`);
  const size = viewSizePx(geometry);
  if (target.shape[0] !== b || target.shape[1] !== size || target.shape[2] !== size || target.shape[3] !== c) {
    throw new Error(`srWindowLossCropped: target must be [${b}, ${size}, ${size}, ${c}], got [${target.shape}]`);
  }
  return tf.tidy(() => {
    const targets = cropWindows(
      target,
      windows.map((win) => ({ top: win.i * geometry.cellPx, left: win.j * geometry.cellPx })),
      [side, side],
    );
    return tf.mean(tf.square(tf.sub(outputWindows, targets))) as tf.Scalar;
  });
}
