/**
 * Data-movement kernels of the native backend: every one is a strided N-d copy on the heap
 * (the wasm backend copies whole tensors through JavaScript for Slice, and loops per row).
 * 4-byte dtypes (float32, int32) only; bool and string tensors run the wasm kernels.
 */
import { tf } from '../../tf.js';
import { allocOutput, heapOf, offsetOf, requireNative, sizeOf, stridesOf, type WasmBackendLike } from '../runtime.js';
import type { NativeKernel } from './types.js';

const is4Byte = (dtype: tf.DataType): boolean => dtype === 'float32' || dtype === 'int32';

/** Copies a block of `shape` from (srcOff, srcStrides) to (dstOff, dstStrides); offsets in bytes. */
export function copyBlock(backend: WasmBackendLike, shape: number[], srcOff: number, srcStrides: number[], dstOff: number, dstStrides: number[]): void {
  if (sizeOf(shape) === 0) return;
  const plan = new Float64Array(1 + 3 * shape.length);
  plan[0] = shape.length;
  plan.set(shape, 1);
  plan.set(srcStrides, 1 + shape.length);
  plan.set(dstStrides, 1 + 2 * shape.length);
  requireNative().stridedCopy(heapOf(backend), plan, srcOff, dstOff);
}

const transpose: NativeKernel = {
  kernelName: 'Transpose',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x } = inputs;
    const perm = attrs.perm as number[];
    if (!is4Byte(x.dtype)) return fallback();
    const xs = stridesOf(x.shape);
    const outShape = perm.map((p) => x.shape[p]);
    const out = allocOutput(backend, outShape, x.dtype);
    copyBlock(
      backend,
      outShape,
      offsetOf(backend, x),
      perm.map((p) => xs[p]),
      offsetOf(backend, out),
      stridesOf(outShape),
    );
    return out;
  },
};

const slice: NativeKernel = {
  kernelName: 'Slice',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x } = inputs;
    if (!is4Byte(x.dtype)) return fallback();
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
    const xs = stridesOf(x.shape);
    let base = 0;
    for (let i = 0; i < begin.length; i++) base += begin[i] * xs[i];
    const out = allocOutput(backend, size, x.dtype);
    copyBlock(backend, size, offsetOf(backend, x) + 4 * base, xs, offsetOf(backend, out), stridesOf(size));
    return out;
  },
};

const padV2: NativeKernel = {
  kernelName: 'PadV2',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x } = inputs;
    const paddings = attrs.paddings as Array<[number, number]>;
    const value = attrs.constantValue as number;
    if (!(x.dtype === 'float32' || (x.dtype === 'int32' && value === 0))) return fallback();
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const out = allocOutput(backend, outShape, x.dtype);
    const os = stridesOf(outShape);
    let base = 0;
    for (let i = 0; i < os.length; i++) base += paddings[i][0] * os[i];
    requireNative().fill(heapOf(backend), sizeOf(outShape), offsetOf(backend, out), value);
    copyBlock(backend, x.shape, offsetOf(backend, x), stridesOf(x.shape), offsetOf(backend, out) + 4 * base, os);
    return out;
  },
};

const concat: NativeKernel = {
  kernelName: 'Concat',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const list = Object.values(inputs);
    if (list.length === 0 || !list.every((t) => is4Byte(t.dtype) && t.dtype === list[0].dtype)) return fallback();
    const axis = tf.util.parseAxisParam(attrs.axis as number, list[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(
      list.map((t) => t.shape),
      axis,
    );
    const out = allocOutput(backend, outShape, list[0].dtype);
    const os = stridesOf(outShape);
    let at = 0;
    for (const t of list) {
      if (sizeOf(t.shape) > 0) copyBlock(backend, t.shape, offsetOf(backend, t), stridesOf(t.shape), offsetOf(backend, out) + 4 * at * os[axis], os);
      at += t.shape[axis];
    }
    return out;
  },
};

const splitV: NativeKernel = {
  kernelName: 'SplitV',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x } = inputs;
    if (!is4Byte(x.dtype)) return fallback();
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[] | number, axis);
    const xs = stridesOf(x.shape);
    let at = 0;
    return sizes.map((s) => {
      const shape = x.shape.slice();
      shape[axis] = s;
      const out = allocOutput(backend, shape, x.dtype);
      copyBlock(backend, shape, offsetOf(backend, x) + 4 * at * xs[axis], xs, offsetOf(backend, out), stridesOf(shape));
      at += s;
      return out;
    });
  },
};

/**
 * Identity shares the data (as Reshape does on wasm, and Identity on cpu): tensors are immutable,
 * and TF.js clones every tensor a gradient saves through this kernel, so a copy here would copy
 * each saved activation once per step.
 */
const identity: NativeKernel = {
  kernelName: 'Identity',
  kernelFunc: ({ inputs, backend }, fallback) => {
    const { x } = inputs;
    if (x.dtype === 'string') return fallback();
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

const gatherV2: NativeKernel = {
  kernelName: 'GatherV2',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x, indices } = inputs;
    if (!is4Byte(x.dtype) || indices.dtype !== 'int32' || (attrs.batchDims as number) !== 0) return fallback();
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const count = sizeOf(indices.shape);
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = allocOutput(backend, outShape, x.dtype);
    requireNative().gather(heapOf(backend), outer, x.shape[axis], inner, count, offsetOf(backend, x), offsetOf(backend, indices), offsetOf(backend, out));
    return out;
  },
};

/** Tile (and so broadcastTo): a copy over [r0, d0, r1, d1, …] whose repetition axes read with stride 0. */
const tile: NativeKernel = {
  kernelName: 'Tile',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x } = inputs;
    const reps = attrs.reps as number[];
    if (!is4Byte(x.dtype) || x.shape.length > 8 || reps.length !== x.shape.length) return fallback();
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = allocOutput(backend, outShape, x.dtype);
    const xs = stridesOf(x.shape);
    const os = stridesOf(outShape);
    const shape: number[] = [];
    const src: number[] = [];
    const dst: number[] = [];
    x.shape.forEach((d, i) => {
      shape.push(reps[i], d);
      src.push(0, xs[i]);
      dst.push(d * os[i], os[i]);
    });
    copyBlock(backend, shape, offsetOf(backend, x), src, offsetOf(backend, out), dst);
    return out;
  },
};

/** ScatterNd with one index per row (sliceRank 1): zeros, then rows added in order. */
const scatterNd: NativeKernel = {
  kernelName: 'ScatterNd',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { indices, updates } = inputs;
    const shape = attrs.shape as number[];
    if (updates.dtype !== 'float32' || indices.dtype !== 'int32') return fallback();
    const { sliceRank, numUpdates, sliceSize } = tf.scatter_util.calculateShapes(updates, indices, shape);
    if (sliceRank !== 1) return fallback();
    const out = allocOutput(backend, shape, 'float32');
    const rows = sizeOf(shape) / Math.max(1, sliceSize);
    requireNative().scatterAdd(heapOf(backend), numUpdates, rows, sliceSize, offsetOf(backend, indices), offsetOf(backend, updates), offsetOf(backend, out));
    return out;
  },
};

/** Data-movement kernels. */
export const memoryKernels: NativeKernel[] = [transpose, slice, padV2, concat, splitV, identity, gatherV2, tile, scatterNd];
