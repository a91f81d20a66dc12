import { tf } from '../tf.js';
import { FUSED, type AttentionAttrs } from '../native/kernels/fused.js';
import { isNativeBackend } from '../native/runtime.js';
import { customOp } from './custom-op.js';
import { batchMatMulT, type BatchMatMulStrategy } from './batch-matmul.js';

/** Result of {@link scaledDotProductAttention}. */
export interface AttentionCoreResult {
  /** [B, H, N, hd] */
  output: tf.Tensor4D;
  /** [B, H, N, M] softmax probabilities (only when requested) */
  probs?: tf.Tensor4D;
}

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionCoreOptions {
  /** [B, M], 1 = attend, 0 = padding (padding keys get −1e9 before the softmax). */
  keyPaddingMask?: tf.Tensor;
  /** Also return the probabilities (they are differentiable too). */
  returnProbs?: boolean;
  /** Matmul strategy (default: per backend, see `batchMatMul`). */
  strategy?: BatchMatMulStrategy;
}

/**
 * softmax(q·kᵀ·scale + maskBias)·v per batch and head, with a hand-written gradient:
 *   dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − Σ_j dP ⊙ P), dQ = s·dS·K, dK = s·dSᵀ·Q.
 * On wasm every product is untransposed with explicitly transposed operands (rank-3 transposes),
 * avoiding its slow transposed BatchMatMul; elsewhere the transpose flags go to the kernel
 * (see `batchMatMulT`). On the native backend one fused kernel each way.
 *
 * @param q [B, H, N, hd]
 * @param k [B, H, M, hd]
 * @param v [B, H, M, hd]
 * @param scale usually hd^-0.5
 */
export function scaledDotProductAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, scale: number, opts: AttentionCoreOptions = {}): AttentionCoreResult {
  const [b, h, n, hd] = q.shape;
  const m = k.shape[2];
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[3] !== hd || v.shape.join() !== k.shape.join()) {
    throw new Error(`attention: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not match`);
  }
  const mask = opts.keyPaddingMask;
  if (mask !== undefined && mask.size !== b * m) {
    throw new Error(`attention: keyPaddingMask [${mask.shape}] must be [B=${b}, M=${m}]`);
  }
  const g = b * h;
  const wantProbs = opts.returnProbs ?? false;
  if (isNativeBackend() && [q, k, v].every((t) => t.dtype === 'float32')) {
    const distinct = [q, k, v].filter((t, i, all) => all.indexOf(t) === i);
    const src = [q, k, v].map((t) => distinct.indexOf(t)) as [number, number, number];
    const view = (l: number) => [0, h * l * hd, l * hd, hd];
    return nativeAttention(distinct, src, [view(n), view(m), view(m)], { b, h, n, m, hd, scale }, 'heads', mask, wantProbs) as AttentionCoreResult;
  }
  const strategy = opts.strategy;
  const op = customOp(([qi, ki, vi], save) => {
    const q3 = tf.reshape(qi, [g, n, hd]) as tf.Tensor3D;
    const k3 = tf.reshape(ki, [g, m, hd]) as tf.Tensor3D;
    const v3 = tf.reshape(vi, [g, m, hd]) as tf.Tensor3D;
    let scores = tf.mul(batchMatMulT(q3, k3, false, true, strategy), scale); // [G, N, M]
    if (mask !== undefined) {
      const bias = tf.mul(tf.sub(1, tf.reshape(tf.cast(mask, 'float32'), [b, 1, 1, m])), -1e9);
      scores = tf.reshape(tf.add(tf.reshape(scores, [b, h, n, m]), bias), [g, n, m]);
    }
    const p = tf.softmax(scores, -1) as tf.Tensor3D;
    const o = batchMatMulT(p, v3, false, false, strategy); // [G, N, hd]
    save([q3, k3, v3, p]);
    const value = wantProbs ? tf.concat([tf.reshape(o, [b, h, n, hd]), tf.reshape(p, [b, h, n, m])], 3) : tf.reshape(o, [b, h, n, hd]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [sq, sk, sv, sp] = saved as tf.Tensor3D[];
        let dO: tf.Tensor3D;
        let dPextra: tf.Tensor3D | undefined;
        if (wantProbs) {
          const [dOut, dProbs] = tf.split(dy, [hd, m], 3);
          dO = tf.reshape(dOut, [g, n, hd]);
          dPextra = tf.reshape(dProbs, [g, n, m]);
        } else dO = tf.reshape(dy, [g, n, hd]);
        const dV = batchMatMulT(sp, dO, true, false, strategy); // [G, M, hd]
        let dP = batchMatMulT(dO, sv, false, true, strategy); // [G, N, M]
        if (dPextra !== undefined) dP = tf.add(dP, dPextra) as tf.Tensor3D;
        const dS = tf.mul(sp, tf.sub(dP, tf.sum(tf.mul(dP, sp), -1, true))) as tf.Tensor3D; // softmax backward
        const dQ = tf.mul(batchMatMulT(dS, sk, false, false, strategy), scale); // [G, N, hd]
        const dK = tf.mul(batchMatMulT(dS, sq, true, false, strategy), scale); // [G, M, hd]
        return [tf.reshape(dQ, [b, h, n, hd]), tf.reshape(dK, [b, h, m, hd]), tf.reshape(dV, [b, h, m, hd])];
      },
    };
  });
  const out = op(q, k, v) as tf.Tensor4D;
  if (!wantProbs) return { output: out };
  return tf.tidy(() => {
    const [output, probs] = tf.split(out, [hd, m], 3) as tf.Tensor4D[];
    return { output, probs };
  }) as AttentionCoreResult;
}

/** A block of heads inside a projection: `tensor` [B, L, W] holds H·hd head-major columns from `column`. */
export interface ProjectedHeads {
  tensor: tf.Tensor;
  column: number;
}

/**
 * Attention read straight from projections, native backend only: q, k and v are column blocks
 * of [B, L, W] tensors (e.g. thirds of a fused qkv projection), the output is merged heads
 * [B, N, H·hd]. No head transposes in either direction; gradients flow to each source tensor.
 *
 * @returns output [B, N, H·hd]; probs [B, H, N, M] when requested (differentiable)
 */
export function projectedAttention(
  q: ProjectedHeads,
  k: ProjectedHeads,
  v: ProjectedHeads,
  numHeads: number,
  scale: number,
  opts: { keyPaddingMask?: tf.Tensor; returnProbs?: boolean } = {},
): { output: tf.Tensor3D; probs?: tf.Tensor4D } {
  if (!isNativeBackend()) throw new Error('projectedAttention: needs the native backend (use MultiHeadAttention elsewhere)');
  const [b, n] = q.tensor.shape as number[];
  const m = k.tensor.shape[1] as number;
  const width = (p: ProjectedHeads) => p.tensor.shape[2] as number;
  const parts = [q, k, v];
  for (const p of parts) {
    if (p.tensor.rank !== 3 || p.tensor.dtype !== 'float32') throw new Error(`projectedAttention: sources must be float32 [B, L, W], got [${p.tensor.shape}]`);
  }
  if (k.tensor.shape[1] !== v.tensor.shape[1] || k.tensor.shape[0] !== b || v.tensor.shape[0] !== b) {
    throw new Error(`projectedAttention: q [${q.tensor.shape}], k [${k.tensor.shape}], v [${v.tensor.shape}] do not match`);
  }
  const distinct = parts.map((p) => p.tensor).filter((t, i, all) => all.indexOf(t) === i);
  const src = parts.map((p) => distinct.indexOf(p.tensor)) as [number, number, number];
  const headDim = inferHeadDim(parts, numHeads);
  const view = (p: ProjectedHeads) => [p.column, (p.tensor.shape[1] as number) * width(p), headDim, width(p)];
  return nativeAttention(
    distinct,
    src,
    [view(q), view(k), view(v)],
    { b, h: numHeads, n, m, hd: headDim, scale },
    'tokens',
    opts.keyPaddingMask,
    opts.returnProbs ?? false,
  ) as {
    output: tf.Tensor3D;
    probs?: tf.Tensor4D;
  };
}

function inferHeadDim(parts: ProjectedHeads[], numHeads: number): number {
  // Every block holds numHeads·hd columns from its offset; the q block's end bounds hd.
  const [q, k, v] = parts;
  const span = (p: ProjectedHeads, others: ProjectedHeads[]) => {
    const next = others.filter((o) => o.tensor === p.tensor && o.column > p.column).map((o) => o.column);
    return (next.length ? Math.min(...next) : (p.tensor.shape[2] as number)) - p.column;
  };
  const d = span(q, parts);
  if (d <= 0 || d % numHeads !== 0) throw new Error(`projectedAttention: q block of ${d} columns is not ${numHeads} heads`);
  for (const p of [k, v]) {
    if (span(p, parts) < d) throw new Error(`projectedAttention: a k/v block is narrower than q's ${d} columns`);
  }
  return d / numHeads;
}

/** The native fused attention as a differentiable op over the distinct source tensors. */
function nativeAttention(
  sources: tf.Tensor[],
  src: [number, number, number],
  views: [number[], number[], number[]],
  dims: { b: number; h: number; n: number; m: number; hd: number; scale: number },
  outLayout: 'tokens' | 'heads',
  keyPaddingMask: tf.Tensor | undefined,
  wantProbs: boolean,
): { output: tf.Tensor; probs?: tf.Tensor4D } {
  const { b, h, n, m, hd } = dims;
  // Zero a source's gradient first when q/k/v views do not cover all of it.
  const zeroGrad = sources.map((t, i) => {
    const covered = src.filter((s) => s === i).length * (outLayout === 'tokens' ? h * hd : t.size / b);
    return covered < (outLayout === 'tokens' ? (t.shape[2] as number) : t.size / b) ? 1 : 0;
  });
  const attrs: AttentionAttrs = { ...dims, sources: src, views, outLayout, zeroGrad };
  const outShape = outLayout === 'tokens' ? [b, n, h * hd] : [b, h, n, hd];
  const outSize = b * n * h * hd;
  const probSize = b * h * n * m;
  if (keyPaddingMask !== undefined && keyPaddingMask.size !== b * m) {
    throw new Error(`attention: keyPaddingMask [${keyPaddingMask.shape}] must be [B=${b}, M=${m}]`);
  }
  const mask = keyPaddingMask === undefined ? undefined : tf.tidy(() => tf.cast(tf.reshape(keyPaddingMask, [b, m]), 'float32'));
  const named = (ts: tf.Tensor[]) => Object.fromEntries(ts.map((t, i) => [`t${i}`, t])) as Record<string, tf.Tensor>;
  const op = customOp((inputs, save) => {
    const kernelInputs = named(inputs);
    if (mask) kernelInputs.mask = mask;
    const [out, probs] = tf.engine().runKernel(FUSED.attention, kernelInputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    save([...inputs, probs]);
    const value = wantProbs ? tf.concat([tf.reshape(out, [outSize]), tf.reshape(probs, [probSize])]) : out;
    return {
      value,
      gradFunc: (dy, saved) => {
        const gradInputs = named(saved.slice(0, inputs.length));
        gradInputs.probs = saved[inputs.length];
        if (wantProbs) {
          const [dOut, dProbs] = tf.split(dy, [outSize, probSize]);
          gradInputs.dOut = tf.reshape(dOut, outShape);
          gradInputs.dProbs = tf.reshape(dProbs, [b, h, n, m]);
        } else gradInputs.dOut = dy;
        return tf.engine().runKernel(FUSED.attentionGrad, gradInputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      },
    };
  });
  const value = op(...sources);
  mask?.dispose();
  if (!wantProbs) return { output: value };
  return tf.tidy(() => {
    const [o, p] = tf.split(value, [outSize, probSize]);
    return { output: tf.reshape(o, outShape), probs: tf.reshape(p, [b, h, n, m]) as tf.Tensor4D };
  });
}
