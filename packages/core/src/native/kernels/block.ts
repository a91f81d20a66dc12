/**
 * The fused pre-norm transformer block of the native backend (see `csrc/block.c`): one kernel
 * forward, one backward. `TransformerBlock` wraps them in a `customOp` (one output: TF.js fills a
 * zero gradient in JavaScript for every unused output of a multi-output kernel with a registered
 * gradient, which here would be nine large tensors per step).
 */
import type { tf } from '../../tf.js';
import { allocOutput, heapOf, offsetOf, requireNative } from '../runtime.js';
import type { NativeKernel, NativeKernelArgs } from './types.js';

/** Kernel names of the fused block (the qkv bias is an optional input). */
export const BLOCK = { forward: 'EcampBlock', grad: 'EcampBlockGrad' } as const;

/** Parameter inputs of the fused block, in kernel order (`bqkv` optional). */
export const BLOCK_PARAMS = ['ln1w', 'ln1b', 'wqkv', 'bqkv', 'wproj', 'bproj', 'ln2w', 'ln2b', 'w1', 'b1', 'w2', 'b2'] as const;
/** Forward outputs after y, in order: what the backward needs (its inputs of the same names). */
export const BLOCK_SAVED = ['mean1', 'rstd1', 'qkv', 'probs', 'a', 'x2', 'mean2', 'rstd2', 'f1'] as const;

/** Attributes of the block kernels. */
export interface BlockAttrs {
  heads: number;
  eps: number;
}

/**
 * What both kernels start from: the sizes, the call's arguments after the heap (B, N, D, H,
 * hidden, eps) and `o`, the heap offset of a tensor (−1 for an absent optional input). The heap
 * itself is read at the call, after the outputs are allocated (an allocation may grow it).
 */
function blockCall({ inputs, backend, attrs }: NativeKernelArgs) {
  const { heads, eps } = attrs as unknown as BlockAttrs;
  const [b, n, d] = inputs.x.shape;
  const hidden = inputs.w1.shape[1];
  const dims = [b, n, d, heads, hidden, eps] as const;
  const o = (t: tf.TensorInfo | undefined) => (t === undefined ? -1 : offsetOf(backend, t));
  return { b, n, d, heads, hidden, dims, o };
}

const forward: NativeKernel = {
  kernelName: BLOCK.forward,
  kernelFunc: (args) => {
    const { inputs, backend } = args;
    const { b, n, d, heads, hidden, dims, o } = blockCall(args);
    const { x, mask } = inputs;
    const r = b * n;
    const shapes: Record<(typeof BLOCK_SAVED)[number], number[]> = {
      mean1: [r],
      rstd1: [r],
      qkv: [b, n, 3 * d],
      probs: [b, heads, n, n],
      a: [b, n, d],
      x2: [b, n, d],
      mean2: [r],
      rstd2: [r],
      f1: [b, n, hidden],
    };
    const y = allocOutput(backend, [b, n, d]);
    const saved = BLOCK_SAVED.map((k) => allocOutput(backend, shapes[k]));
    requireNative().blockForward(
      heapOf(backend),
      ...dims,
      o(x),
      o(inputs.ln1w),
      o(inputs.ln1b),
      o(inputs.wqkv),
      o(inputs.bqkv),
      o(inputs.wproj),
      o(inputs.bproj),
      o(inputs.ln2w),
      o(inputs.ln2b),
      o(inputs.w1),
      o(inputs.b1),
      o(inputs.w2),
      o(inputs.b2),
      o(mask),
      o(y),
      ...(saved.map(o) as Nine),
    );
    return [y, ...saved];
  },
};

type Nine = [number, number, number, number, number, number, number, number, number];

const backward: NativeKernel = {
  kernelName: BLOCK.grad,
  kernelFunc: (args) => {
    const { inputs, backend } = args;
    const { dims, o } = blockCall(args);
    const { x, dy } = inputs;
    const withBias = inputs.bqkv !== undefined;
    // One gradient per differentiable input, in the order x, then the parameters present.
    const names = ['x', ...BLOCK_PARAMS.filter((p) => withBias || p !== 'bqkv')];
    const grads = names.map((k) => allocOutput(backend, inputs[k].shape));
    const byName = new Map(names.map((k, i) => [k, grads[i]]));
    requireNative().blockBackward(
      heapOf(backend),
      ...dims,
      o(x),
      o(inputs.ln1w),
      o(inputs.ln1b),
      o(inputs.wqkv),
      o(inputs.bqkv),
      o(inputs.wproj),
      o(inputs.ln2w),
      o(inputs.ln2b),
      o(inputs.w1),
      o(inputs.b1),
      o(inputs.w2),
      o(inputs.mean1),
      o(inputs.rstd1),
      o(inputs.qkv),
      o(inputs.probs),
      o(inputs.a),
      o(inputs.x2),
      o(inputs.mean2),
      o(inputs.rstd2),
      o(inputs.f1),
      o(dy),
      o(byName.get('x')),
      o(byName.get('ln1w')),
      o(byName.get('ln1b')),
      o(byName.get('wqkv')),
      o(byName.get('bqkv')),
      o(byName.get('wproj')),
      o(byName.get('bproj')),
      o(byName.get('ln2w')),
      o(byName.get('ln2b')),
      o(byName.get('w1')),
      o(byName.get('b1')),
      o(byName.get('w2')),
      o(byName.get('b2')),
    );
    return grads;
  },
};

/** Fused-block kernels. */
export const blockKernels: NativeKernel[] = [forward, backward];
