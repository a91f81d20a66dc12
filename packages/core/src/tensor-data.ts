import { tf } from './tf.js';

/** A tensor's contents held in plain JavaScript memory (no backend allocation, nothing to dispose). */
export interface TensorData {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

/** True for a {@link TensorData} (as opposed to a `tf.Tensor`). */
export function isTensorData(x: unknown): x is TensorData {
  return typeof x === 'object' && x !== null && !(x instanceof tf.Tensor) && 'data' in x && 'shape' in x && 'dtype' in x;
}

/** Create a new `tf.Tensor` from {@link TensorData} (caller disposes it). */
export function tensorFromData(t: TensorData): tf.Tensor {
  return tf.tensor(t.data, t.shape, t.dtype);
}

/** Read a tensor's contents synchronously into a {@link TensorData} copy. */
export function tensorToData(t: tf.Tensor): TensorData {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new Error(`tensorToData: unsupported dtype ${t.dtype} (expected float32 or int32)`);
  }
  const values = t.dataSync();
  const data = t.dtype === 'float32' ? new Float32Array(values as Float32Array) : new Int32Array(values as Int32Array);
  return { dtype: t.dtype, shape: t.shape.slice(), data };
}
