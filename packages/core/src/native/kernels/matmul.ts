/**
 * Matrix-product kernels of the native backend: `BatchMatMul` (transposes at full speed, batch
 * broadcasting of a single matrix) and `_FusedMatMul` (bias and ReLU folded into the product).
 * Other cases (int32, general broadcasting, other activations) run the wasm kernel.
 */
import { tf } from '../../tf.js';
import { allocOutput, heapOf, nativeOps, offsetOf, requireNative, sizeOf, type WasmBackendLike } from '../runtime.js';
import type { NativeKernel } from './types.js';

interface MatMulPlan {
  batch: number;
  m: number;
  n: number;
  k: number;
  strideA: number;
  strideB: number;
  outShape: number[];
}

/** Shapes of op(a)·op(b) with batch broadcasting of one side, or undefined when unsupported. */
function plan(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = transposeA ? a.shape[ar - 1] : a.shape[ar - 2];
  const k = transposeA ? a.shape[ar - 2] : a.shape[ar - 1];
  const k2 = transposeB ? b.shape[br - 1] : b.shape[br - 2];
  const n = transposeB ? b.shape[br - 2] : b.shape[br - 1];
  if (k !== k2) return undefined; // the wasm kernel throws tfjs's own error message
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return undefined;
  }
  const batch = sizeOf(outer);
  // One side a single matrix, or both the same batch (tfjs flattens outer dims the same way).
  if (!(batchA === batchB || batchA === 1 || batchB === 1)) return undefined;
  if (batchA !== batchB && batch !== Math.max(batchA, batchB)) return undefined;
  return { batch, m, n, k, strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n, outShape: [...outer, m, n] };
}

function runGemm(
  backend: WasmBackendLike,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  p: MatMulPlan,
  transposeA: boolean,
  transposeB: boolean,
  out: tf.TensorInfo,
  beta: number,
): void {
  const { batch, m, n, k } = p;
  requireNative().gemm(
    heapOf(backend),
    transposeA ? 1 : 0,
    transposeB ? 1 : 0,
    batch,
    m,
    n,
    k,
    1,
    offsetOf(backend, a),
    p.strideA,
    Math.max(1, transposeA ? m : k), // leading dimensions stay ≥ 1 for empty matrices (BLAS rule)
    offsetOf(backend, b),
    p.strideB,
    Math.max(1, transposeB ? k : n),
    beta,
    offsetOf(backend, out),
    m * n,
    Math.max(1, n),
  );
}

const batchMatMul: NativeKernel = {
  kernelName: 'BatchMatMul',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const p = plan(a, b, transposeA, transposeB);
    if (!p) return fallback();
    const out = allocOutput(backend, p.outShape);
    runGemm(backend, a, b, p, transposeA, transposeB, out, 0);
    return out;
  },
};

/**
 * matMul + bias (+ ReLU): C is first filled with the broadcast bias rows, then the product is
 * accumulated into it (beta = 1), so the bias costs one pass instead of a second kernel.
 */
const fusedMatMul: NativeKernel = {
  kernelName: '_FusedMatMul',
  kernelFunc: ({ inputs, backend, attrs }, fallback) => {
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string };
    if (!a || !b || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return fallback();
    const p = plan(a, b, transposeA, transposeB);
    if (!p || (bias && (bias.dtype !== 'float32' || (sizeOf(bias.shape) !== p.n && sizeOf(bias.shape) !== 1)))) return fallback();
    if (bias && sizeOf(bias.shape) === p.n && bias.shape.length > 1 && bias.shape[bias.shape.length - 1] !== p.n) return fallback();
    const native = requireNative();
    const out = allocOutput(backend, p.outShape);
    const rows = p.batch * p.m;
    if (bias) {
      const len = sizeOf(bias.shape);
      // Broadcast the bias over every row: a strided copy with source stride 0 along rows.
      const plan2 = Float64Array.of(2, rows, p.n, 0, len === 1 ? 0 : 1, p.n, 1);
      native.stridedCopy(heapOf(backend), plan2, offsetOf(backend, bias), offsetOf(backend, out));
    }
    runGemm(backend, a, b, p, transposeA, transposeB, out, bias ? 1 : 0);
    if (activation === 'relu') native.unary(heapOf(backend), nativeOps().unary.relu, rows * p.n, offsetOf(backend, out), offsetOf(backend, out), 0);
    return out;
  },
};

/** Matrix-product kernels. */
export const matMulKernels: NativeKernel[] = [batchMatMul, fusedMatMul];
