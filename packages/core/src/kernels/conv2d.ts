import { tf } from '../tf.js';
import { customOp } from './custom_op.js';

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
export function conv2dPadAmounts(
  h: number,
  w: number,
  kh: number,
  kw: number,
  stride: number,
  padding: Conv2dPadding,
): [number, number, number, number] {
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
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const span = [b, (ho - 1) * stride + 1, (wo - 1) * stride + 1, c];
        cols.push(
          stride === 1
            ? tf.slice(xp, [0, i, j, 0], span)
            : tf.stridedSlice(xp, [0, i, j, 0], [b, i + span[1], j + span[2], c], [1, stride, stride, 1]),
        );
      }
    }
    const stacked = cols.length === 1 ? cols[0] : tf.concat(cols, 3);
    return tf.reshape(stacked, [b * ho * wo, kh * kw * c]) as tf.Tensor2D;
  });
}

/**
 * 2-D convolution, NHWC, that trains on every backend: the filter gradient is an im2col GEMM
 * (wasm has no `Conv2DBackpropFilter`), the input gradient a transposed convolution.
 *
 * @param x [B, H, W, C]
 * @param weight [kh, kw, C, O]
 * @param bias [O] or undefined
 * @returns [B, Ho, Wo, O]
 */
export function conv2d(x: tf.Tensor4D, weight: tf.Tensor4D, bias?: tf.Tensor1D, opts: Conv2dOptions = {}): tf.Tensor4D {
  const stride = opts.stride ?? 1;
  const [kh, kw, cin, cout] = weight.shape;
  if (x.rank !== 4 || x.shape[3] !== cin) {
    throw new Error(`conv2d: input [${x.shape}] does not match weight [${weight.shape}] (NHWC, [kh, kw, in, out])`);
  }
  const [b, h, w] = x.shape;
  const [pt, pb, pl, pr] = conv2dPadAmounts(h, w, kh, kw, stride, opts.padding ?? 'same');
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  const ho = Math.floor((hp - kh) / stride) + 1;
  const wo = Math.floor((wp - kw) / stride) + 1;
  if (ho < 1 || wo < 1) throw new Error(`conv2d: kernel ${kh}x${kw} larger than padded input ${hp}x${wp}`);
  const core = customOp(([xi, wi], save) => {
    const xp = (pt | pb | pl | pr) === 0 ? xi : tf.pad(xi, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
    save([xp as tf.Tensor4D, wi]);
    return {
      value: tf.conv2d(xp as tf.Tensor4D, wi as tf.Tensor4D, stride, 'valid'),
      gradFunc: (dy, saved) => {
        const [sxp, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dxp = tf.conv2dTranspose(dy as tf.Tensor4D, sw, [b, hp, wp, cin], stride, 'valid');
        const dx = (pt | pb | pl | pr) === 0 ? dxp : tf.slice(dxp, [0, pt, pl, 0], [b, h, w, cin]);
        const cols = im2col(sxp, kh, kw, stride);
        const dy2 = tf.reshape(dy, [b * ho * wo, cout]);
        const dw = tf.reshape(tf.matMul(tf.transpose(cols), dy2), [kh, kw, cin, cout]);
        return [dx, dw];
      },
    };
  });
  const y = core(x, weight) as tf.Tensor4D;
  return bias === undefined ? y : tf.add(y, bias);
}
