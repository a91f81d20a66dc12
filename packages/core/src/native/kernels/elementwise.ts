/**
 * Element-wise and reduction kernels of the native backend (float32): broadcasting binary
 * arithmetic, unary functions, and Sum/Max/Min/Mean over a contiguous run of axes. Everything
 * else (int32 arithmetic, reductions over scattered axes) runs the wasm kernels.
 */
import { tf } from '../../tf.js';
import { allocOutput, heapOf, nativeOps, offsetOf, requireNative, sizeOf, stridesOf, type NativeOps } from '../runtime.js';
import type { NativeKernel } from './types.js';

/** Strides of `shape` read as a broadcast view of rank `rank` (0 where broadcast). */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const rank = outShape.length;
  const own = stridesOf(shape);
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = rank - shape.length + i;
    out[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : own[i];
  }
  return out;
}

function binary(kernelName: string, opName: keyof NativeOps['binary']): NativeKernel {
  return {
    kernelName,
    kernelFunc: ({ inputs, backend }, fallback) => {
      const { a, b } = inputs;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback();
      const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = allocOutput(backend, outShape, 'float32');
      const rank = outShape.length;
      const plan = new Float64Array(1 + 3 * rank);
      plan[0] = rank;
      plan.set(outShape, 1);
      plan.set(broadcastStrides(a.shape, outShape), 1 + rank);
      plan.set(broadcastStrides(b.shape, outShape), 1 + 2 * rank);
      requireNative().binary(heapOf(backend), nativeOps().binary[opName], plan, offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out));
      return out;
    },
  };
}

function unary(kernelName: string, opName: keyof NativeOps['unary']): NativeKernel {
  return {
    kernelName,
    kernelFunc: ({ inputs, backend }, fallback) => {
      const { x } = inputs;
      if (x.dtype !== 'float32') return fallback();
      const out = allocOutput(backend, x.shape, 'float32');
      requireNative().unary(heapOf(backend), nativeOps().unary[opName], sizeOf(x.shape), offsetOf(backend, x), offsetOf(backend, out), 0);
      return out;
    },
  };
}

function reduction(kernelName: string, opName: keyof NativeOps['reduce']): NativeKernel {
  return {
    kernelName,
    kernelFunc: ({ inputs, backend, attrs }, fallback) => {
      const { x } = inputs;
      if (x.dtype !== 'float32') return fallback();
      // Max names its axes 'reductionIndices'; Sum, Min and Mean 'axis'.
      const axes = tf.util.parseAxisParam((attrs.axis ?? attrs.reductionIndices) as number | number[], x.shape).sort((p, q) => p - q);
      // A contiguous run of axes: x is [outer, reduced, inner].
      for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return fallback();
      const first = axes.length ? axes[0] : 0;
      const last = axes.length ? axes[axes.length - 1] : -1;
      const outer = sizeOf(x.shape.slice(0, first));
      const reduced = sizeOf(x.shape.slice(first, last + 1));
      const inner = sizeOf(x.shape.slice(last + 1));
      if (reduced === 0 && opName !== 'sum') return fallback();
      const keep = attrs.keepDims as boolean;
      const outShape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
      const out = allocOutput(backend, outShape, 'float32');
      requireNative().reduce(heapOf(backend), nativeOps().reduce[opName], outer, reduced, inner, offsetOf(backend, x), offsetOf(backend, out));
      return out;
    },
  };
}

/** Element-wise and reduction kernels. */
export const elementwiseKernels: NativeKernel[] = [
  binary('Add', 'add'),
  binary('Sub', 'sub'),
  binary('Multiply', 'mul'),
  binary('RealDiv', 'div'),
  binary('Maximum', 'max'),
  binary('Minimum', 'min'),
  binary('SquaredDifference', 'squaredDifference'),
  unary('Exp', 'exp'),
  unary('Sqrt', 'sqrt'),
  unary('Rsqrt', 'rsqrt'),
  unary('Square', 'square'),
  unary('Neg', 'neg'),
  unary('Relu', 'relu'),
  unary('Abs', 'abs'),
  unary('Log', 'log'),
  unary('Erf', 'erf'),
  reduction('Sum', 'sum'),
  reduction('Max', 'max'),
  reduction('Min', 'min'),
  reduction('Mean', 'mean'),
];
