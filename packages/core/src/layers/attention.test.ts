import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { checkGradients } from '../testing/grad-check.js';
import { MultiHeadAttention } from './attention.js';

/** Straightforward reference: per-head loops over plain tensors, timm column order. */
function reference(
  x: tf.Tensor,
  ctx: tf.Tensor,
  wq: tf.Tensor,
  bq: tf.Tensor,
  wk: tf.Tensor,
  bk: tf.Tensor,
  wv: tf.Tensor,
  bv: tf.Tensor,
  wo: tf.Tensor,
  bo: tf.Tensor,
  heads: number,
  mask?: tf.Tensor,
): tf.Tensor {
  const [b, n, d] = x.shape as number[];
  const m = ctx.shape[1] as number;
  const hd = d / heads;
  const q = tf.add(tf.matMul(tf.reshape(x, [b * n, d]), wq), bq).reshape([b, n, d]);
  const k = tf.add(tf.matMul(tf.reshape(ctx, [b * m, -1]), wk), bk).reshape([b, m, d]);
  const v = tf.add(tf.matMul(tf.reshape(ctx, [b * m, -1]), wv), bv).reshape([b, m, d]);
  const outs: tf.Tensor[] = [];
  for (let h = 0; h < heads; h++) {
    const qh = q.slice([0, 0, h * hd], [b, n, hd]);
    const kh = k.slice([0, 0, h * hd], [b, m, hd]);
    const vh = v.slice([0, 0, h * hd], [b, m, hd]);
    let s = tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(hd));
    if (mask) s = tf.add(s, tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [b, 1, m]));
    outs.push(tf.matMul(tf.softmax(s), vh));
  }
  return tf.add(tf.matMul(tf.reshape(tf.concat(outs, 2), [b * n, d]), wo), bo).reshape([b, n, d]);
}

describe.each(BACKENDS)('MultiHeadAttention on %s', (backend) => {
  useBackend(backend);

  it('self-attention uses timm names and the fused [q|k|v] column order, with key padding', () => {
    const attn = new MultiHeadAttention(8, 2, { rng: new Rng(1) });
    expect(attn.namedParameters().map((p) => p.name)).toEqual(['qkv.weight', 'qkv.bias', 'proj.weight', 'proj.bias']);
    tf.tidy(() => attn.qkv!.bias!.assign(tf.randomNormal([24], 0, 0.5, 'float32', 9)));
    const x = tf.randomNormal([2, 4, 8], 0, 1, 'float32', 2);
    const mask = tf.tensor2d([
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ]);
    const { output, attention } = attn.forward(x, { keyPaddingMask: mask, returnAttention: true });
    const [wq, wk, wv] = tf.split(attn.qkv!.weight, 3, 1);
    const [bq, bk, bv] = tf.split(attn.qkv!.bias!, 3, 0);
    const ref = reference(x, x, wq, bq, wk, bk, wv, bv, attn.proj.weight, attn.proj.bias!, 2, mask);
    expect(tf.max(tf.abs(tf.sub(output, ref))).dataSync()[0]).toBeLessThan(1e-4);
    expect(attention!.shape).toEqual([2, 2, 4, 4]);
    expect(tf.max(attention!.slice([1, 0, 0, 2], [1, 2, 4, 2])).dataSync()[0]).toBe(0);
    expect(checkGradients((xi) => attn.forward(xi, { keyPaddingMask: mask }).output, [x]).maxRelError).toBeLessThan(1e-2);
    attn.dispose();
  });

  it('cross-attention has q, kv, proj (or k, v) and attends to the context', () => {
    const attn = new MultiHeadAttention(8, 2, { kvDim: 6, rng: new Rng(2) });
    expect(attn.namedParameters().map((p) => p.name)).toEqual(['q.weight', 'q.bias', 'kv.weight', 'kv.bias', 'proj.weight', 'proj.bias']);
    const x = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 3);
    const ctx = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 4);
    const { output, attention } = attn.forward(x, { context: ctx, returnAttention: true });
    const [wk, wv] = tf.split(attn.kv!.weight, 2, 1);
    const [bk, bv] = tf.split(attn.kv!.bias!, 2, 0);
    const ref = reference(x, ctx, attn.q!.weight, attn.q!.bias!, wk, bk, wv, bv, attn.proj.weight, attn.proj.bias!, 2);
    expect(tf.max(tf.abs(tf.sub(output, ref))).dataSync()[0]).toBeLessThan(1e-4);
    expect(attention!.shape).toEqual([2, 2, 3, 5]);
    expect(checkGradients((xi, ci) => attn.forward(xi, { context: ci }).output, [x, ctx]).maxRelError).toBeLessThan(1e-2);
    const split = new MultiHeadAttention(8, 2, { kvDim: 6, fusedKv: false, qkvBias: false });
    expect(split.namedParameters().map((p) => p.name)).toEqual(['q.weight', 'k.weight', 'v.weight', 'proj.weight', 'proj.bias']);
    expect(split.forward(x, { context: ctx }).output.shape).toEqual([2, 3, 8]);
    attn.dispose();
    split.dispose();
  });

  it('unfused self-attention names q, k, v', () => {
    const attn = new MultiHeadAttention(8, 4, { fusedQkv: false });
    expect(
      attn
        .namedParameters()
        .map((p) => p.name)
        .slice(0, 6),
    ).toEqual(['q.weight', 'q.bias', 'k.weight', 'k.bias', 'v.weight', 'v.bias']);
    expect(attn.forward(tf.ones([1, 2, 8])).output.shape).toEqual([1, 2, 8]);
    attn.dispose();
  });

  it('rejects misuse with clear messages', () => {
    expect(() => new MultiHeadAttention(10, 3)).toThrow(/not divisible/);
    const self = new MultiHeadAttention(4, 2);
    expect(() => self.forward(tf.ones([1, 2, 4]), { context: tf.ones([1, 2, 4]) })).toThrow(/kvDim/);
    expect(() => self.forward(tf.ones([1, 2, 5]))).toThrow(/input \[1,2,5\]/);
    const cross = new MultiHeadAttention(4, 2, { kvDim: 4 });
    expect(() => cross.forward(tf.ones([1, 2, 4]))).toThrow(/needs context/);
    self.dispose();
    cross.dispose();
  });
});
