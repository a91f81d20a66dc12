import { describe, expect, it } from 'vitest';
import { useBackend } from '../test/backends.js';
import { isTensorData, tensorFromData, tensorToData } from './tensor-data.js';
import { tf } from './tf.js';

describe('TensorData', () => {
  useBackend('cpu');

  it('round-trips float32 and int32 tensors and is distinguished from tf.Tensor', () => {
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const d = tensorToData(t);
    expect(isTensorData(d)).toBe(true);
    expect(isTensorData(t)).toBe(false);
    expect(d.shape).toEqual([2, 2]);
    const back = tensorFromData(d);
    expect(Array.from(back.dataSync())).toEqual([1, 2, 3, 4]);
    const i = tensorToData(tf.tensor1d([5, 6], 'int32'));
    expect(i.data).toBeInstanceOf(Int32Array);
    expect(() => tensorToData(tf.tensor1d([true], 'bool'))).toThrow(/unsupported dtype bool/);
  });
});
