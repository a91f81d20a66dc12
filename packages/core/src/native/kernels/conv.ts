/**
 * Convolution kernels of the native backend (NHWC, dilation 1, equal strides): `Conv2D`,
 * `Conv2DBackpropInput`, and `Conv2DBackpropFilter`, which the wasm backend lacks — with it,
 * tfjs's own conv2d gradient trains on the native backend.
 */
import { tf } from '../../tf.js';
import { allocOutput, heapOf, offsetOf, requireNative, type WasmBackendLike } from '../runtime.js';
import type { NativeKernel } from './types.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The shape arguments of the addon's conv functions, or undefined when unsupported. */
function shapeArgs(info: ConvInfo): number[] | undefined {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  if (info.strideHeight !== info.strideWidth) return undefined;
  const { padInfo } = info;
  if (padInfo.top < 0 || padInfo.left < 0) return undefined;
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    padInfo.top,
    padInfo.left,
  ];
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

const conv2D: NativeKernel = {
  kernelName: 'Conv2D',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { x, filter } = inputs;
    if (x.dtype !== 'float32' || filter.dtype !== 'float32') return fallback();
    const info = convInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs);
    const s = shapeArgs(info);
    if (!s) return fallback();
    const out = allocOutput(backend, info.outShape);
    requireNative().conv2d(heapOf(backend), ...(s as Conv12), offsetOf(backend, x), offsetOf(backend, filter), offsetOf(backend, out));
    return out;
  },
};

type Conv12 = [number, number, number, number, number, number, number, number, number, number, number, number];

const conv2DBackpropInput: NativeKernel = {
  kernelName: 'Conv2DBackpropInput',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { dy, filter } = inputs;
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return fallback();
    const info = convInfo(attrs.inputShape as number[], filter.shape, attrs as unknown as ConvAttrs);
    const s = shapeArgs(info);
    if (!s) return fallback();
    const out = allocOutput(backend, info.inShape);
    requireNative().conv2dInputGrad(heapOf(backend), ...(s as Conv12), offsetOf(backend, dy), offsetOf(backend, filter), offsetOf(backend, out));
    return out;
  },
};

function filterGradient(backend: WasmBackendLike, x: tf.TensorInfo, dy: tf.TensorInfo, info: ConvInfo, s: number[]): tf.TensorInfo {
  const out = allocOutput(backend, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  requireNative().conv2dFilterGrad(heapOf(backend), ...(s as Conv12), offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, out));
  return out;
}

const conv2DBackpropFilter: NativeKernel = {
  kernelName: 'Conv2DBackpropFilter',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const info = convInfo(x.shape, attrs.filterShape as number[], attrs as unknown as ConvAttrs);
    const s = shapeArgs(info);
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !s) {
      // No wasm kernel to fall back to: say what is unsupported.
      throw new Error(
        `native Conv2DBackpropFilter: only float32 NHWC with dilation 1 and equal strides (got ${x.dtype}, ${String(attrs.dataFormat)}, strides ${String(attrs.strides)}, dilations ${String(attrs.dilations)})`,
      );
    }
    return filterGradient(backend, x, dy, info, s);
  },
};

/** Convolution kernels. */
export const convKernels: NativeKernel[] = [conv2D, conv2DBackpropInput, conv2DBackpropFilter];
