import { describe, expect, it } from 'vitest';
import { convToPatchLinear, ecampToTimm, patchLinearToConv, timmToEcamp, transposeLinear, type TensorData } from './checkpoint-filter.js';
import { sincosPositionEmbedding2d } from './pos-embed.js';

function seq(shape: number[], scale = 1): TensorData {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(1.3 * i + 0.7) * scale;
  return { dtype: 'float32', shape, data };
}

describe('checkpoint filter', () => {
  it('turns a stride-p conv into the Linear over (p, q, c)-flattened NHWC patches', () => {
    const D = 5;
    const C = 3;
    const p = 4;
    const conv = seq([D, C, p, p]);
    const lin = convToPatchLinear(conv);
    expect(lin.shape).toEqual([p * p * C, D]);
    // one NHWC patch, flattened (p, q, c), versus the conv (sum over c, pi, qi of w[o,c,pi,qi] * x[pi,qi,c])
    const patch = seq([p, p, C], 0.5).data;
    for (let o = 0; o < D; o++) {
      let viaConv = 0;
      for (let c = 0; c < C; c++)
        for (let pi = 0; pi < p; pi++) for (let qi = 0; qi < p; qi++) viaConv += conv.data[((o * C + c) * p + pi) * p + qi] * patch[(pi * p + qi) * C + c];
      let viaLinear = 0;
      for (let r = 0; r < p * p * C; r++) viaLinear += patch[r] * lin.data[r * D + o];
      expect(viaLinear).toBeCloseTo(viaConv, 5);
    }
    expect(Array.from(patchLinearToConv(lin, C).data)).toEqual(Array.from(conv.data));
  });

  it('transposes Linear weights and keeps vectors, tokens and the fused qkv', () => {
    const state = new Map<string, TensorData>([
      ['blocks.0.attn.qkv.weight', seq([6, 2])],
      ['blocks.0.attn.qkv.bias', seq([6])],
      ['blocks.0.norm1.weight', seq([2])],
      ['cls_token', seq([1, 1, 2])],
    ]);
    const { tensors, unused, skipped } = timmToEcamp(state);
    expect(unused).toEqual([]);
    expect(skipped).toEqual([]);
    const qkv = tensors.get('blocks.0.attn.qkv.weight')!;
    expect(qkv.shape).toEqual([2, 6]);
    expect(qkv.data[1 * 6 + 4]).toBe(state.get('blocks.0.attn.qkv.weight')!.data[4 * 2 + 1]);
    expect(tensors.get('blocks.0.attn.qkv.bias')!.shape).toEqual([6]);
    expect(tensors.get('cls_token')!.shape).toEqual([1, 1, 2]);
    expect(transposeLinear(transposeLinear(qkv)).data).toEqual(qkv.data);
  });

  it('strips module./model. prefixes, lists unknown keys, and is strict on request', () => {
    const state = new Map<string, TensorData>([
      ['module.norm.weight', seq([4])],
      ['head.weight', seq([10, 4])],
    ]);
    const r = timmToEcamp(state);
    expect([...r.tensors.keys()]).toEqual(['norm.weight']);
    expect(r.unused).toEqual(['head.weight']);
    expect(() => timmToEcamp(state, { strict: true })).toThrow(/head\.weight: no ECAMP\.ts counterpart/);
  });

  it('skips or checks the fixed position tables', () => {
    const ours = sincosPositionEmbedding2d(8, 2);
    const good = new Map<string, TensorData>([['pos_embed', { dtype: 'float32', shape: [1, 5, 8], data: ours.slice() }]]);
    expect(timmToEcamp(good).skipped[0].reason).toMatch(/recomputed/);
    expect(timmToEcamp(good, { posEmbed: 'check', expectedPosEmbed: { pos_embed: ours } }).skipped[0].reason).toMatch(/matches ours/);
    const bad = ours.slice();
    bad[9] += 0.1;
    const badState = new Map<string, TensorData>([['pos_embed', { dtype: 'float32', shape: [1, 5, 8], data: bad }]]);
    expect(() => timmToEcamp(badState, { posEmbed: 'check', expectedPosEmbed: { pos_embed: ours } })).toThrow(/pos_embed: differs/);
  });

  it('rejects inconsistent data and wrong patch sizes, naming the key', () => {
    expect(() => timmToEcamp(new Map([['norm.bias', { dtype: 'float32', shape: [3], data: new Float32Array(2) }]]))).toThrow(/norm\.bias: shape \[3\]/);
    const conv = new Map([['patch_embed.proj.weight', seq([2, 3, 4, 4])]]);
    expect(() => timmToEcamp(conv, { patchSize: 16 })).toThrow(/kernel is 4x4, model patch size is 16/);
  });

  it('round-trips through ecampToTimm', () => {
    const state = new Map<string, TensorData>([
      ['patch_embed.proj.weight', seq([4, 3, 2, 2])],
      ['decoder_pred.weight', seq([12, 4])],
      ['mask_token', seq([1, 1, 4])],
    ]);
    const back = ecampToTimm(timmToEcamp(state).tensors);
    for (const [k, t] of state) {
      expect(back.get(k)!.shape).toEqual(t.shape);
      expect(Array.from(back.get(k)!.data)).toEqual(Array.from(t.data));
    }
  });
});
