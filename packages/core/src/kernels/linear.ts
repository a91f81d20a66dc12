import { tf } from '../tf.js';
import { FUSED } from '../native/kernels/fused.js';
import { isNativeBackend } from '../native/runtime.js';
import { customOp } from './custom-op.js';

/**
 * op(a)·op(b) for 2-D matrices. On wasm the transpose is made explicit (its transposed MatMul is a
 * naive loop, the untransposed one XNNPACK); other backends take the flags at full speed, where an
 * explicit transpose would only cost a copy (measured: cpu Linear fwd+bwd 1.5–2× slower with it).
 */
function matMul2d(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB);
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

/**
 * y = x·W + b with a custom gradient written as plain 2-D, untransposed matmuls.
 *
 * Why: on the wasm backend only 2-D untransposed `MatMul` takes the fast XNNPACK path;
 * the default gradient uses `transposeA/transposeB` and runs a naive loop ~6× slower.
 * So `x` is flattened to 2-D and, on wasm, the gradient transposes operands explicitly.
 *
 * @param x [..., in]
 * @param weight [in, out] (TF layout; PyTorch stores [out, in] — see `torchLinearToTf`)
 * @param bias [out] or undefined
 * @returns [..., out]
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const [inF, outF] = weight.shape as number[];
  if (weight.rank !== 2) throw new Error(`linear: weight must be [in, out], got [${weight.shape}]`);
  if (x.shape[x.rank - 1] !== inF) {
    throw new Error(`linear: input last dim ${x.shape[x.rank - 1]} does not match weight [${weight.shape}]`);
  }
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== outF)) {
    throw new Error(`linear: bias must be [${outF}], got [${bias.shape}]`);
  }
  const outShape: number[] = [...x.shape.slice(0, -1), outF];
  const rows = x.size / inF;
  if (isNativeBackend() && x.dtype === 'float32') {
    // One kernel with a registered, lazy gradient: an input that needs none (pixels) costs no product.
    return tf.engine().runKernel(FUSED.linear, bias === undefined ? { x, weight } : { x, weight, bias }, {}) as tf.Tensor;
  }
  if (bias === undefined) {
    const f = customOp(([xi, wi], save) => {
      const x2 = tf.reshape(xi, [rows, inF]);
      save([x2, wi]);
      return {
        value: tf.reshape(tf.matMul(x2, wi), outShape),
        gradFunc: (dy, saved) => {
          const [sx, sw] = saved;
          const dy2 = tf.reshape(dy, [rows, outF]);
          return [tf.reshape(matMul2d(dy2, sw, false, true), xi.shape), matMul2d(sx, dy2, true, false)];
        },
      };
    });
    return f(x, weight);
  }
  const f = customOp(([xi, wi, bi], save) => {
    const x2 = tf.reshape(xi, [rows, inF]);
    save([x2, wi]);
    return {
      value: tf.reshape(tf.add(tf.matMul(x2, wi), bi), outShape),
      gradFunc: (dy, saved) => {
        const [sx, sw] = saved;
        const dy2 = tf.reshape(dy, [rows, outF]);
        return [tf.reshape(matMul2d(dy2, sw, false, true), xi.shape), matMul2d(sx, dy2, true, false), tf.sum(dy2, 0)];
      },
    };
  });
  return f(x, weight, bias);
}
