import { tf } from '../tf.js';
import { copyBlock } from '../native/kernels/memory.js';
import { activeWasmBackend, allocOutput, heapOf, isNativeBackend, offsetOf, requireNative, stridesOf } from '../native/runtime.js';
import { customOp } from './custom-op.js';

/** Where one crop starts in its example (may be negative or run past the border: those pixels read 0). */
export interface CropOrigin {
  top: number;
  left: number;
}

/** The part of a crop that lies inside the input: [y0, y1) × [x0, x1) in input coordinates. */
function inside(o: CropOrigin, h: number, w: number, size: [number, number]): { y0: number; y1: number; x0: number; x1: number } {
  return { y0: Math.max(0, o.top), y1: Math.min(h, o.top + size[0]), x0: Math.max(0, o.left), x1: Math.min(w, o.left + size[1]) };
}

/**
 * One crop per example: out[k] = x[k, top_k : top_k + h, left_k : left_k + w, :], with zeros
 * where the crop leaves the image (SR windows with a halo, random crops).
 *
 * Why an op: as slices, each example's gradient is a zero-padded copy of the whole batch
 * (tfjs's Slice gradient pads to the input shape), so 8 crops of a [8, 448, 448, 3] view cost
 * eight 19 MB tensors in the backward pass. Here the gradient is one [B, H, W, C] buffer with
 * each crop's gradient written into its example. On the native backend both directions are
 * strided copies on the heap.
 *
 * @param x [B, H, W, C]
 * @param origins one per example
 * @param size [h, w] of every crop
 * @returns [B, h, w, C]
 */
export function cropWindows(x: tf.Tensor4D, origins: readonly CropOrigin[], size: [number, number]): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (origins.length !== b) throw new Error(`cropWindows: ${origins.length} origins for a batch of ${b}`);
  if (!(size[0] > 0 && size[1] > 0 && Number.isInteger(size[0]) && Number.isInteger(size[1])))
    throw new Error(`cropWindows: size [${size}] must be positive integers`);
  origins.forEach((o, k) => {
    if (!Number.isInteger(o.top) || !Number.isInteger(o.left)) throw new Error(`cropWindows: origin ${k} (${o.top}, ${o.left}) must be integers`);
  });
  const [ch, cw] = size;
  const op = customOp(([xi]) => {
    const value = isNativeBackend() && xi.dtype === 'float32' ? nativeCrop(xi as tf.Tensor4D, origins, size) : tfCrop(xi as tf.Tensor4D, origins, size);
    return {
      value,
      gradFunc: (dy) => [
        isNativeBackend() && dy.dtype === 'float32'
          ? nativeUncrop(dy as tf.Tensor4D, origins, [b, h, w, c])
          : tfUncrop(dy as tf.Tensor4D, origins, [b, h, w, c]),
      ],
    };
  });
  return op(x) as tf.Tensor4D;

  /** TF.js: per example, slice the inside part and pad it to the crop. */
  function tfCrop(xi: tf.Tensor4D, os: readonly CropOrigin[], [sh, sw]: [number, number]): tf.Tensor4D {
    return tf.tidy(() =>
      tf.concat(
        os.map((o, k) => {
          const r = inside(o, h, w, [sh, sw]);
          if (r.y1 <= r.y0 || r.x1 <= r.x0) return tf.zeros([1, sh, sw, c]);
          const part = tf.slice(xi, [k, r.y0, r.x0, 0], [1, r.y1 - r.y0, r.x1 - r.x0, c]);
          return tf.pad(part, [
            [0, 0],
            [r.y0 - o.top, o.top + sh - r.y1],
            [r.x0 - o.left, o.left + sw - r.x1],
            [0, 0],
          ]);
        }),
        0,
      ),
    ) as tf.Tensor4D;
  }

  /** TF.js gradient: per example, the crop's inside part padded to its own [1, H, W, C]; one concat. */
  function tfUncrop(dy: tf.Tensor4D, os: readonly CropOrigin[], shape: [number, number, number, number]): tf.Tensor4D {
    return tf.tidy(() =>
      tf.concat(
        os.map((o, k) => {
          const r = inside(o, h, w, [ch, cw]);
          if (r.y1 <= r.y0 || r.x1 <= r.x0) return tf.zeros([1, shape[1], shape[2], c]);
          const part = tf.slice(dy, [k, r.y0 - o.top, r.x0 - o.left, 0], [1, r.y1 - r.y0, r.x1 - r.x0, c]);
          return tf.pad(part, [
            [0, 0],
            [r.y0, h - r.y1],
            [r.x0, w - r.x1],
            [0, 0],
          ]);
        }),
        0,
      ),
    ) as tf.Tensor4D;
  }
}

/** Copies each example's inside block between x-shaped and crop-shaped tensors (native heap). */
function copyCrops(from: tf.Tensor4D, to: tf.TensorInfo, toShape: number[], origins: readonly CropOrigin[], size: [number, number], toCrop: boolean): void {
  const backend = activeWasmBackend();
  const big = toCrop ? from.shape : toShape;
  const [, h, w, c] = big;
  const bigStrides = stridesOf(big);
  const cropStrides = stridesOf([big[0], size[0], size[1], c]);
  requireNative().fill(
    heapOf(backend),
    toShape.reduce((a, d) => a * d, 1),
    offsetOf(backend, to),
    0,
  );
  origins.forEach((o, k) => {
    const r = inside(o, h, w, size);
    if (r.y1 <= r.y0 || r.x1 <= r.x0) return;
    const bigOff = 4 * (k * bigStrides[0] + r.y0 * bigStrides[1] + r.x0 * bigStrides[2]);
    const cropOff = 4 * (k * cropStrides[0] + (r.y0 - o.top) * cropStrides[1] + (r.x0 - o.left) * cropStrides[2]);
    const block = [r.y1 - r.y0, r.x1 - r.x0, c];
    if (toCrop) copyBlock(backend, block, offsetOf(backend, from) + bigOff, bigStrides.slice(1), offsetOf(backend, to) + cropOff, cropStrides.slice(1));
    else copyBlock(backend, block, offsetOf(backend, from) + cropOff, cropStrides.slice(1), offsetOf(backend, to) + bigOff, bigStrides.slice(1));
  });
}

function nativeCrop(x: tf.Tensor4D, origins: readonly CropOrigin[], size: [number, number]): tf.Tensor4D {
  const shape = [x.shape[0], size[0], size[1], x.shape[3]];
  const out = allocOutput(activeWasmBackend(), shape);
  copyCrops(x, out, shape, origins, size, true);
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor4D;
}

function nativeUncrop(dy: tf.Tensor4D, origins: readonly CropOrigin[], shape: [number, number, number, number]): tf.Tensor4D {
  const out = allocOutput(activeWasmBackend(), shape);
  copyCrops(dy, out, shape, origins, [dy.shape[1], dy.shape[2]], false);
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor4D;
}
