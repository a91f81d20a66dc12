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
      ...(['x', ...BLOCK_PARAMS].map((k) => o(inputs[k])) as Offsets<13>),
      o(inputs.mask),
      o(y),
      ...(saved.map(o) as Offsets<9>),
    );
    return [y, ...saved];
  },
};

/** A tuple of N heap offsets. */
type Offsets<N extends number, T extends number[] = []> = T['length'] extends N ? T : Offsets<N, [...T, number]>;

/** The parameters the backward reads: all but the output-projection biases bproj and b2. */
const BACKWARD_PARAMS = BLOCK_PARAMS.filter((p) => p !== 'bproj' && p !== 'b2');

const backward: NativeKernel = {
  kernelName: BLOCK.grad,
  kernelFunc: (args) => {
    const { inputs, backend } = args;
    const { dims, o } = blockCall(args);
    const withBias = inputs.bqkv !== undefined;
    // One gradient per differentiable input, in the order x, then the parameters present.
    const names = ['x', ...BLOCK_PARAMS.filter((p) => withBias || p !== 'bqkv')];
    const grads = names.map((k) => allocOutput(backend, inputs[k].shape));
    const byName = new Map(names.map((k, i) => [k, grads[i]]));
    requireNative().blockBackward(
      heapOf(backend),
      ...dims,
      ...(['x', ...BACKWARD_PARAMS, ...BLOCK_SAVED, 'dy'].map((k) => o(inputs[k])) as Offsets<21>),
      ...(['x', ...BLOCK_PARAMS].map((k) => o(byName.get(k))) as Offsets<13>),
    );
    return grads;
  },
};

/** Fused-block kernels. */
export const blockKernels: NativeKernel[] = [forward, backward];
