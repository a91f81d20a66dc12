/**
 * Fused kernels that exist only on the native backend. Core's ops (`layerNorm`, `gelu`,
 * `softmaxCrossEntropyWithIntLabels`, attention) call them through `tf.engine().runKernel`
 * when the native backend is active, inside `customOp`s whose gradients call the `…Grad`
 * kernels: one native call per forward and per backward instead of 5–15 TF.js ops.
 */
import type { tf } from '../../tf.js';
import { allocOutput, heapOf, offsetOf, requireNative, sizeOf, type WasmBackendLike } from '../runtime.js';
import type { NativeKernel } from './types.js';

/** Names of the fused kernels. */
export const FUSED = {
  linear: 'EcampLinear',
  layerNorm: 'EcampLayerNorm',
  layerNormGrad: 'EcampLayerNormGrad',
  gelu: 'EcampGelu',
  geluGrad: 'EcampGeluGrad',
  crossEntropy: 'EcampCrossEntropy',
  crossEntropyGrad: 'EcampCrossEntropyGrad',
  attention: 'EcampAttention',
  attentionGrad: 'EcampAttentionGrad',
  linearCrossEntropy: 'EcampLinearCrossEntropy',
  linearCrossEntropyGrad: 'EcampLinearCrossEntropyGrad',
} as const;

/** y = x·W (+ b): the bias rows are written first and the product accumulated onto them. */
const linear: NativeKernel = {
  kernelName: FUSED.linear,
  kernelFunc: ({ inputs, backend }) => {
    const { x, weight, bias } = inputs;
    const [inF, outF] = weight.shape;
    const rows = sizeOf(x.shape) / inF;
    const y = allocOutput(backend, [...x.shape.slice(0, -1), outF]);
    const native = requireNative();
    if (bias) native.stridedCopy(heapOf(backend), Float64Array.of(2, rows, outF, 0, 1, outF, 1), offsetOf(backend, bias), offsetOf(backend, y));
    native.gemm(
      heapOf(backend),
      0,
      0,
      1,
      rows,
      outF,
      inF,
      1,
      offsetOf(backend, x),
      0,
      Math.max(1, inF),
      offsetOf(backend, weight),
      0,
      Math.max(1, outF),
      bias ? 1 : 0,
      offsetOf(backend, y),
      0,
      Math.max(1, outF),
    );
    return y;
  },
};

const layerNorm: NativeKernel = {
  kernelName: FUSED.layerNorm,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, weight, bias } = inputs;
    const d = x.shape[x.shape.length - 1];
    const rows = sizeOf(x.shape) / d;
    const y = allocOutput(backend, x.shape);
    const mean = allocOutput(backend, [rows]);
    const rstd = allocOutput(backend, [rows]);
    const o = (t: tf.TensorInfo) => offsetOf(backend, t);
    requireNative().layerNorm(heapOf(backend), rows, d, attrs.eps as number, o(x), o(weight), o(bias), o(y), o(mean), o(rstd));
    return [y, mean, rstd];
  },
};

const layerNormGrad: NativeKernel = {
  kernelName: FUSED.layerNormGrad,
  kernelFunc: ({ inputs, backend }) => {
    const { x, weight, mean, rstd, dy } = inputs;
    const d = x.shape[x.shape.length - 1];
    const rows = sizeOf(x.shape) / d;
    const dx = allocOutput(backend, x.shape);
    const dw = allocOutput(backend, [d]);
    const db = allocOutput(backend, [d]);
    const o = (t: tf.TensorInfo) => offsetOf(backend, t);
    requireNative().layerNormGrad(heapOf(backend), rows, d, o(x), o(weight), o(mean), o(rstd), o(dy), o(dx), o(dw), o(db));
    return [dx, dw, db];
  },
};

const gelu: NativeKernel = {
  kernelName: FUSED.gelu,
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs;
    const y = allocOutput(backend, x.shape);
    requireNative().gelu(heapOf(backend), sizeOf(x.shape), offsetOf(backend, x), offsetOf(backend, y));
    return y;
  },
};

const geluGrad: NativeKernel = {
  kernelName: FUSED.geluGrad,
  kernelFunc: ({ inputs, backend }) => {
    const { x, dy } = inputs;
    const dx = allocOutput(backend, x.shape);
    requireNative().geluGrad(heapOf(backend), sizeOf(x.shape), offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, dx));
    return dx;
  },
};

const crossEntropy: NativeKernel = {
  kernelName: FUSED.crossEntropy,
  kernelFunc: ({ inputs, backend }) => {
    const { logits, labels } = inputs;
    const [n, v] = logits.shape;
    const loss = allocOutput(backend, [n]);
    const lse = allocOutput(backend, [n]);
    const o = (t: tf.TensorInfo) => offsetOf(backend, t);
    requireNative().crossEntropy(heapOf(backend), n, v, o(logits), o(labels), o(loss), o(lse));
    return [loss, lse];
  },
};

const crossEntropyGrad: NativeKernel = {
  kernelName: FUSED.crossEntropyGrad,
  kernelFunc: ({ inputs, backend }) => {
    const { logits, labels, lse, dy } = inputs;
    const [n, v] = logits.shape;
    const dx = allocOutput(backend, [n, v]);
    const o = (t: tf.TensorInfo) => offsetOf(backend, t);
    requireNative().crossEntropyGrad(heapOf(backend), n, v, o(logits), o(labels), o(lse), o(dy), o(dx));
    return dx;
  },
};

/** logits = x·W (+ b), then per-row cross-entropy; outputs [loss, logits, lse] (logits for the gradient). */
const linearCrossEntropy: NativeKernel = {
  kernelName: FUSED.linearCrossEntropy,
  kernelFunc: ({ inputs, backend }) => {
    const { x, weight, bias, labels } = inputs;
    const [n, d] = x.shape;
    const v = weight.shape[1];
    const loss = allocOutput(backend, [n]);
    const logits = allocOutput(backend, [n, v]);
    const lse = allocOutput(backend, [n]);
    const o = (t: tf.TensorInfo | undefined) => (t === undefined ? -1 : offsetOf(backend, t));
    requireNative().linearCrossEntropy(heapOf(backend), n, d, v, o(x), o(weight), o(bias), o(labels), o(logits), o(loss), o(lse));
    return [loss, logits, lse];
  },
};

/**
 * Gradient of {@link linearCrossEntropy}: outputs [dx, dW, db?]. The saved logits become
 * dlogits in place, so their data must belong to that one tensor (checked; copied otherwise).
 */
const linearCrossEntropyGrad: NativeKernel = {
  kernelName: FUSED.linearCrossEntropyGrad,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, weight, labels, lse, dy } = inputs;
    let logits = inputs.logits;
    const [n, d] = x.shape;
    const v = weight.shape[1];
    const native = requireNative();
    let scratch: tf.TensorInfo | undefined;
    if (backend.refCount(logits.dataId) !== 1) {
      scratch = allocOutput(backend, logits.shape);
      native.stridedCopy(heapOf(backend), Float64Array.of(1, n * v, 1, 1), offsetOf(backend, logits), offsetOf(backend, scratch));
      logits = scratch;
    }
    const dx = allocOutput(backend, [n, d]);
    const dw = allocOutput(backend, [d, v]);
    const db = attrs.hasBias ? allocOutput(backend, [v]) : undefined;
    const o = (t: tf.TensorInfo | undefined) => (t === undefined ? -1 : offsetOf(backend, t));
    native.linearCrossEntropyGrad(heapOf(backend), n, d, v, o(x), o(weight), o(labels), o(logits), o(lse), o(dy), o(dx), o(dw), o(db));
    if (scratch) backend.disposeData(scratch.dataId);
    return db ? [dx, dw, db] : [dx, dw];
  },
};

/**
 * Attention operand layout, in attrs: for q, k and v, the index of the source input (`t0`, `t1`,
 * `t2`) and a view (element offset, stride per batch, per head, per row).
 */
export interface AttentionAttrs {
  b: number;
  h: number;
  n: number;
  m: number;
  hd: number;
  scale: number;
  /** Source input index of q, k, v. */
  sources: [number, number, number];
  /** Views of q, k, v: [elementOffset, strideBatch, strideHead, strideRow] each. */
  views: [number[], number[], number[]];
  /** Layout of the output: merged tokens [B, N, H·hd] or heads [B, H, N, hd]. */
  outLayout: 'tokens' | 'heads';
  /** Per source input: 1 when q/k/v views do not cover all of it (its gradient is zeroed first). */
  zeroGrad: number[];
}

/** Heap arguments (byte offset + strides) of a view on `t`. */
function viewArgs(backend: WasmBackendLike, t: tf.TensorInfo, view: number[]): number[] {
  return [offsetOf(backend, t) + 4 * view[0], view[1], view[2], view[3]];
}

type Quad = [number, number, number, number];
type QkvArgs = [...Quad, ...Quad, ...Quad];

/** Heap arguments of the q, k and v views on `tensors` (the sources, or their gradients). */
function qkvArgs(backend: WasmBackendLike, a: AttentionAttrs, tensors: tf.TensorInfo[]): QkvArgs {
  return [0, 1, 2].flatMap((i) => viewArgs(backend, tensors[a.sources[i]], a.views[i])) as QkvArgs;
}

function outView(a: AttentionAttrs): number[] {
  const { n, h, hd } = a;
  return a.outLayout === 'tokens' ? [0, n * h * hd, hd, h * hd] : [0, h * n * hd, n * hd, hd];
}

const attention: NativeKernel = {
  kernelName: FUSED.attention,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AttentionAttrs;
    const src = [inputs.t0, inputs.t1, inputs.t2];
    const { b, h, n, m, hd } = a;
    const out = allocOutput(backend, a.outLayout === 'tokens' ? [b, n, h * hd] : [b, h, n, hd]);
    const probs = allocOutput(backend, [b, h, n, m]);
    const mask = inputs.mask;
    requireNative().attention(
      heapOf(backend),
      b,
      h,
      n,
      m,
      hd,
      a.scale,
      ...qkvArgs(backend, a, src),
      ...(viewArgs(backend, out, outView(a)) as Quad),
      offsetOf(backend, probs),
      mask ? offsetOf(backend, mask) : -1,
    );
    return [out, probs];
  },
};

const attentionGrad: NativeKernel = {
  kernelName: FUSED.attentionGrad,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AttentionAttrs;
    const src = [inputs.t0, inputs.t1, inputs.t2].filter((t): t is tf.TensorInfo => t !== undefined);
    const { b, h, n, m, hd } = a;
    const native = requireNative();
    // One gradient per source input, same shape; zeroed when the views do not cover it.
    const grads = src.map((t, i) => {
      const g = allocOutput(backend, t.shape);
      if (a.zeroGrad[i]) native.fill(heapOf(backend), sizeOf(t.shape), offsetOf(backend, g), 0);
      return g;
    });
    const { dOut, probs, dProbs } = inputs;
    native.attentionGrad(
      heapOf(backend),
      b,
      h,
      n,
      m,
      hd,
      a.scale,
      ...qkvArgs(backend, a, src),
      ...(viewArgs(backend, dOut, outView(a)) as Quad),
      offsetOf(backend, probs),
      dProbs ? offsetOf(backend, dProbs) : -1,
      ...qkvArgs(backend, a, grads),
    );
    return grads;
  },
};

/** Fused kernels (native backend only). */
export const fusedKernels: NativeKernel[] = [
  linear,
  linearCrossEntropy,
  linearCrossEntropyGrad,
  layerNorm,
  layerNormGrad,
  gelu,
  geluGrad,
  crossEntropy,
  crossEntropyGrad,
  attention,
  attentionGrad,
];
