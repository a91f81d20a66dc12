import { tf } from '../tf.js';
import { isTensorData, type TensorData } from '../tensor-data.js';

function permute(t: TensorData, perm: number[]): TensorData {
  const shape = t.shape;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) inStrides[a] = inStrides[a + 1] * shape[a + 1];
  const n = t.data.length;
  const out = t.dtype === 'float32' ? new Float32Array(n) : new Int32Array(n);
  const counter = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let a = 0; a < perm.length; a++) off += counter[a] * inStrides[perm[a]];
    out[k] = t.data[off];
    for (let a = perm.length - 1; a >= 0; a--) {
      if (++counter[a] < outShape[a]) break;
      counter[a] = 0;
    }
  }
  return { dtype: t.dtype, shape: outShape, data: out };
}

/**
 * PyTorch `nn.Linear.weight` [out, in] → our `Linear.weight` [in, out]. Accepts a tensor (returns a
 * new tensor) or plain {@link TensorData} (returns plain data). The one place this transpose lives.
 */
export function torchLinearToTf<T extends tf.Tensor | TensorData>(weight: T): T {
  if (weight.shape.length !== 2) throw new Error(`torchLinearToTf: expected [out, in], got [${weight.shape}]`);
  if (isTensorData(weight)) return permute(weight, [1, 0]) as T;
  return tf.transpose(weight as tf.Tensor) as T;
}

/** PyTorch `nn.Conv2d.weight` [out, in, kh, kw] → our `Conv2d.weight` [kh, kw, in, out]. */
export function torchConvToTf<T extends tf.Tensor | TensorData>(weight: T): T {
  if (weight.shape.length !== 4) throw new Error(`torchConvToTf: expected [out, in, kh, kw], got [${weight.shape}]`);
  if (isTensorData(weight)) return permute(weight, [2, 3, 1, 0]) as T;
  return tf.transpose(weight as tf.Tensor, [2, 3, 1, 0]) as T;
}
