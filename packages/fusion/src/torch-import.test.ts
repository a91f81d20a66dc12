import { describe, expect, it } from 'vitest';
import type { TensorData } from '@ecamp/core';
import { fusionStateFromTorch } from './torch-import.js';

const t = (shape: number[], start: number): TensorData => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, (_, k) => start + k) };
};

describe('fusionStateFromTorch', () => {
  it('transposes [out, in] weights and fuses q|k|v along the output axis', () => {
    const src: Record<string, TensorData> = {};
    let s = 0;
    for (const n of ['q', 'k', 'v', 'o']) {
      src[`attn.${n}.weight`] = t([2, 3], (s += 100)); // D=2 out, in=3 (shapes only need to be consistent per part)
      src[`attn.${n}.bias`] = t([2], (s += 100));
    }
    for (const n of ['attn_norm', 'ffn_norm']) {
      src[`${n}.weight`] = t([2], 0);
      src[`${n}.bias`] = t([2], 0);
    }
    src['ffn.fc1.weight'] = t([4, 2], 0);
    src['ffn.fc1.bias'] = t([4], 0);
    src['ffn.fc2.weight'] = t([2, 4], 0);
    src['ffn.fc2.bias'] = t([2], 0);
    const out = fusionStateFromTorch(src);
    const qkv = out['attn.qkv.weight'];
    expect(qkv.shape).toEqual([3, 6]);
    // Row r of ours = input r; columns 0..1 = q outputs: q.weight[o][r] = 100 + o·3 + r.
    expect([...qkv.data.subarray(0, 6)]).toEqual([100, 103, 300, 303, 500, 503]);
    expect([...out['attn.qkv.bias'].data]).toEqual([200, 201, 400, 401, 600, 601]);
    expect(out['mlp.fc1.weight'].shape).toEqual([2, 4]);
    expect(out['cross.q.weight']).toBeUndefined();
  });

  it('names a missing tensor', () => {
    expect(() => fusionStateFromTorch({})).toThrow(/missing tensor 'attn.q.weight'/);
  });
});
