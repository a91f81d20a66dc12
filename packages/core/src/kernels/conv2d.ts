import { tf } from '../tf.js';
import { isNativeBackend } from '../native/runtime.js';
import { customOp } from './custom-op.js';

/** Padding of {@link conv2d}: TF 'same'/'valid' or a symmetric pixel count (PyTorch `padding=p`). */
export type Conv2dPadding = 'same' | 'valid' | number;

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Stride in both directions (default 1). */
  stride?: number;
  /** Default 'same'. */
  padding?: Conv2dPadding;
}

/** Explicit [top, bottom, left, right] padding for an input of size h×w. */
export function conv2dPadAmounts(h: number, w: number, kh: number, kw: number, stride: number, padding: Conv2dPadding): [number, number, number, number] {
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding) || padding < 0) throw new Error(`conv2d: padding ${padding} must be a non-negative integer`);
    return [padding, padding, padding, padding];
  }
  if (padding === 'valid') return [0, 0, 0, 0];
  const th = Math.max((Math.ceil(h / stride) - 1) * stride + kh - h, 0);
  const tw = Math.max((Math.ceil(w / stride) - 1) * stride + kw - w, 0);
  return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
}

/**
 * Shifted view of the padded input for kernel offset (i, j): rows i, i+s, …, columns j, j+s, ….
 * @param xp [B, Hp, Wp, C]
 * @returns [B, Ho, Wo, C]
 */
function offsetView(xp: tf.Tensor4D, i: number, j: number, ho: number, wo: number, stride: number): tf.Tensor4D {
  const [b, , , c] = xp.shape;
  const span = [b, (ho - 1) * stride + 1, (wo - 1) * stride + 1, c];
  return (
    stride === 1 ? tf.slice(xp, [0, i, j, 0], span) : tf.stridedSlice(xp, [0, i, j, 0], [b, i + span[1], j + span[2], c], [1, stride, stride, 1])
  ) as tf.Tensor4D;
}

/**
 * im2col: every kh×kw patch of an (already padded) input as one row.
 * Column order (i, j, c) matches a [kh, kw, C, O] kernel reshaped to [kh·kw·C, O].
 * @param xp [B, Hp, Wp, C]
 * @returns [B·Ho·Wo, kh·kw·C]
 */
export function im2col(xp: tf.Tensor4D, kh: number, kw: number, stride: number): tf.Tensor2D {
  const [b, hp, wp, c] = xp.shape;
  const ho = Math.floor((hp - kh) / stride) + 1;
  const wo = Math.floor((wp - kw) / stride) + 1;
  return tf.tidy(() => {
    const cols: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) cols.push(offsetView(xp, i, j, ho, wo, stride));
    const stacked = cols.length === 1 ? cols[0] : tf.concat(cols, 3);
    return tf.reshape(stacked, [b * ho * wo, kh * kw * c]) as tf.Tensor2D;
  });
}

/**
 * Filter gradient dW[i, j, c, o] = Σ_{b,y,x} xp[b, i + y·s, j + x·s, c] · dy[b, y, x, o].
 *
 * On wasm it is one XNNPACK convolution with batch and channels swapped: the input becomes
 * [C, Hp, Wp, B], dy the kernel [Ho, Wo, B, O] (dilated by the stride), and the output is the
 * [C, kh, kw, O] gradient. That avoids the kh·kw strided slices of the input that dominate the
 * GEMM formulation there (tfjs-wasm copies each slice at ~35 M elements/s: 9 slices of a
 * 8×390²×3 input cost ~0.6 s against ~60 ms for the single convolution).
 * Elsewhere: one [C, B·Ho·Wo]·[B·Ho·Wo, O] GEMM per kernel offset, so memory stays at one
 * input-sized view instead of a kh·kw-times larger im2col matrix (3.7 GB for a batch of 8 at
 * 448² with 64 channels).
 */
function filterGradient(xp: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, stride: number): tf.Tensor4D {
  const [b, ho, wo, cout] = dy.shape;
  const cin = xp.shape[3];
  if (tf.getBackend() === 'wasm') {
    return tf.tidy(() => {
      const x = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [C, Hp, Wp, B]
      const kernel = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, B, O]
      const full = tf.conv2d(x, kernel, 1, 'valid', 'NHWC', stride) as tf.Tensor4D; // [C, ≥kh, ≥kw, O]
      // Rows/columns of the padded input past the last window give extra outputs: keep kh × kw.
      const dw = tf.slice(full, [0, 0, 0, 0], [cin, kh, kw, cout]);
      return tf.transpose(dw, [1, 2, 0, 3]) as tf.Tensor4D; // [kh, kw, C, O]
    });
  }
  return tf.tidy(() => {
    const dy2 = tf.reshape(dy, [b * ho * wo, cout]);
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const view = tf.reshape(offsetView(xp, i, j, ho, wo, stride), [b * ho * wo, cin]);
        parts.push(tf.matMul(tf.transpose(view), dy2)); // [C, O], untransposed operands
      }
    }
    return tf.reshape(tf.stack(parts), [kh, kw, cin, cout]) as tf.Tensor4D;
  });
}

/**
 * Input gradient with respect to the padded input [B, Hp, Wp, C]. On wasm a full correlation with
 * the flipped kernel (XNNPACK conv, ~10× faster there than its Conv2DBackpropInput); elsewhere
 * tfjs's transposed convolution.
 */
function inputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, padded: [number, number, number, number], stride: number): tf.Tensor4D {
  const [b, hp, wp] = padded;
  const [kh, kw] = w.shape;
  if (tf.getBackend() !== 'wasm') return tf.conv2dTranspose(dy, w, padded, stride, 'valid');
  return tf.tidy(() => {
    const [, ho, wo, cout] = dy.shape;
    let d: tf.Tensor4D = dy;
    if (stride > 1) {
      // Insert stride − 1 zeros between rows and columns of dy.
      const z = tf.pad(tf.reshape(dy, [b, ho, 1, wo, 1, cout]), [
        [0, 0],
        [0, 0],
        [0, stride - 1],
        [0, 0],
        [0, stride - 1],
        [0, 0],
      ]);
      const dilated = tf.reshape(z, [b, ho * stride, wo * stride, cout]);
      d = tf.slice(dilated, [0, 0, 0, 0], [b, (ho - 1) * stride + 1, (wo - 1) * stride + 1, cout]) as tf.Tensor4D;
    }
    const [dh, dw] = [d.shape[1], d.shape[2]];
    // Rows of the padded input beyond the last window get no gradient: pad to exactly Hp × Wp.
    const full = tf.pad(d, [
      [0, 0],
      [kh - 1, hp - dh],
      [kw - 1, wp - dw],
      [0, 0],
    ]) as tf.Tensor4D;
    const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, O, C]
    return tf.conv2d(full, flipped, 1, 'valid') as tf.Tensor4D;
  });
}

/**
 * 2-D convolution, NHWC, that trains on every backend: the filter gradient is an im2col GEMM split
 * by kernel offset (wasm has no `Conv2DBackpropFilter`), the input gradient a correlation with the
 * flipped kernel on wasm (or a transposed convolution elsewhere). The native backend has all
 * three kernels, so there it is plain `tf.conv2d`.
 *
 * @param x [B, H, W, C]
 * @param weight [kh, kw, C, O]
 * @param bias [O] or undefined
 * @returns [B, Ho, Wo, O]
 */
export function conv2d(x: tf.Tensor4D, weight: tf.Tensor4D, bias?: tf.Tensor1D, opts: Conv2dOptions = {}): tf.Tensor4D {
  const stride = opts.stride ?? 1;
  const [kh, kw, cin] = weight.shape;
  if (x.rank !== 4 || x.shape[3] !== cin) {
    throw new Error(`conv2d: input [${x.shape}] does not match weight [${weight.shape}] (NHWC, [kh, kw, in, out])`);
  }
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`conv2d: stride ${stride} must be a positive integer`);
  const [b, h, w] = x.shape;
  const [pt, pb, pl, pr] = conv2dPadAmounts(h, w, kh, kw, stride, opts.padding ?? 'same');
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  if (hp < kh || wp < kw) throw new Error(`conv2d: kernel ${kh}x${kw} larger than padded input ${hp}x${wp}`);
  const padded = (pt | pb | pl | pr) !== 0;
  if (isNativeBackend() && x.dtype === 'float32') {
    // The native backend has Conv2D and both backprop kernels: tfjs's own gradient applies.
    const y = tf.conv2d(x, weight, stride, [
      [0, 0],
      [pt, pb],
      [pl, pr],
      [0, 0],
    ]);
    return bias === undefined ? y : tf.add(y, bias);
  }
  const core = customOp(([xi, wi], save) => {
    const xp = padded
      ? tf.pad(xi, [
          [0, 0],
          [pt, pb],
          [pl, pr],
          [0, 0],
        ])
      : xi;
    save([xp, wi]);
    return {
      value: tf.conv2d(xp as tf.Tensor4D, wi as tf.Tensor4D, stride, 'valid'),
      gradFunc: (dy, saved) => {
        const [sxp, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dxp = inputGradient(dy as tf.Tensor4D, sw, [b, hp, wp, cin], stride);
        const dx = padded ? tf.slice(dxp, [0, pt, pl, 0], [b, h, w, cin]) : dxp;
        return [dx, filterGradient(sxp, dy as tf.Tensor4D, kh, kw, stride)];
      },
    };
  });
  const y = core(x, weight) as tf.Tensor4D;
  return bias === undefined ? y : tf.add(y, bias);
}
