import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import type { TensorData } from '../tensor-data.js';
import { torchConvToTf, torchLinearToTf } from './torch.js';

describe('PyTorch layout conversion', () => {
  useBackend('cpu');

  it('torchLinearToTf transposes [out, in] → [in, out] for tensors and plain data', () => {
    const w = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]); // out=2, in=3
    const t = torchLinearToTf(w);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    const d: TensorData = { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const dd = torchLinearToTf(d);
    expect(dd.shape).toEqual([3, 2]);
    expect(Array.from(dd.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => torchLinearToTf(tf.zeros([2, 2, 2]))).toThrow(/\[out, in\]/);
  });

  it('torchConvToTf permutes [out, in, kh, kw] → [kh, kw, in, out] (tensor and data agree)', () => {
    const vals = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    const t = torchConvToTf(tf.tensor4d(vals, [2, 3, 2, 2]));
    const d = torchConvToTf({ dtype: 'float32', shape: [2, 3, 2, 2], data: vals } as TensorData);
    expect(t.shape).toEqual([2, 2, 3, 2]);
    expect(d.shape).toEqual([2, 2, 3, 2]);
    expect(Array.from(d.data)).toEqual(Array.from(t.dataSync()));
    // element [o=1, i=2, y=0, x=1] lands at [0, 1, 2, 1]
    expect(t.arraySync() as number[][][][]).toHaveProperty([0, 1, 2, 1], 1 * 12 + 2 * 4 + 0 * 2 + 1);
  });
});
