// PyTorch parity: outputs and gradients of LayerNorm and attention (self with key padding, cross)
// against fixtures written by tooling/parity/core/generate.py (Debian torch). Tolerance 1e-4.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from './backends.js';
import { LayerNorm, MultiHeadAttention, readSafetensors, tensorFromData, tf, torchLinearToTf, type TensorData } from '../src/index.js';

const fixture = (name: string) => readSafetensors(fileURLToPath(new URL(`./fixtures/${name}.safetensors`, import.meta.url)));

function maxAbsDiff(a: tf.Tensor, b: TensorData | tf.Tensor): number {
  return tf.tidy(() => {
    const t = b instanceof tf.Tensor ? b : tensorFromData(b);
    expect(a.shape).toEqual(t.shape);
    return tf.max(tf.abs(tf.sub(a, t))).dataSync()[0];
  });
}

/** Torch state (Linear weights [out, in]) → our dotted state dict (weights [in, out]). */
function importTorch(t: Record<string, TensorData>, keys: string[]): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const k of keys) out[k] = k.endsWith('.weight') ? torchLinearToTf(t[k]) : t[k];
  return out;
}

describe.each(BACKENDS)('PyTorch parity on %s', (backend) => {
  useBackend(backend);

  it('LayerNorm: output and input/weight/bias gradients', () => {
    const { tensors: t, metadata } = fixture('layernorm');
    const ln = new LayerNorm(16, { eps: Number(metadata.eps) });
    ln.loadStateDict({ weight: t.weight, bias: t.bias });
    const x = tensorFromData(t.x);
    const dy = tensorFromData(t.dy);
    expect(maxAbsDiff(ln.forward(x), t.y)).toBeLessThan(1e-4);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(ln.forward(x), dy)) as tf.Scalar, ln.parameters());
    const gx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(ln.forward(xi), dy)))(x);
    expect(maxAbsDiff(gx, t['grad.x'])).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[ln.weight.name], t['grad.weight'])).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[ln.bias.name], t['grad.bias'])).toBeLessThan(1e-4);
    ln.dispose();
  });

  it('self-attention with key padding: output, probabilities and all gradients', () => {
    const { tensors: t, metadata } = fixture('attention_self');
    const attn = new MultiHeadAttention(16, Number(metadata.heads));
    const names = ['qkv.weight', 'qkv.bias', 'proj.weight', 'proj.bias'];
    attn.loadStateDict(importTorch(t, names));
    const x = tensorFromData(t.x);
    const mask = tensorFromData(t.mask);
    const dy = tensorFromData(t.dy);
    const r = attn.forward(x, { keyPaddingMask: mask, returnAttention: true });
    expect(maxAbsDiff(r.output, t.y)).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.attention!, t.attn)).toBeLessThan(1e-4);
    const loss = (xi: tf.Tensor) => tf.sum(tf.mul(attn.forward(xi, { keyPaddingMask: mask }).output, dy)) as tf.Scalar;
    expect(maxAbsDiff(tf.grad(loss)(x), t['grad.x'])).toBeLessThan(1e-4);
    const { grads } = tf.variableGrads(() => loss(x), attn.parameters());
    const byName = Object.fromEntries(attn.namedParameters().map((p) => [p.name, grads[p.variable.name]]));
    for (const n of names) {
      const expected = n.endsWith('.weight') ? torchLinearToTf(t[`grad.${n}`]) : t[`grad.${n}`];
      expect(maxAbsDiff(byName[n], expected), n).toBeLessThan(1e-4);
    }
    attn.dispose();
  });

  it('cross-attention with context padding: output, probabilities and all gradients', () => {
    const { tensors: t, metadata } = fixture('attention_cross');
    const attn = new MultiHeadAttention(16, Number(metadata.heads), { kvDim: 12 });
    const names = ['q.weight', 'q.bias', 'kv.weight', 'kv.bias', 'proj.weight', 'proj.bias'];
    attn.loadStateDict(importTorch(t, names));
    const x = tensorFromData(t.x);
    const ctx = tensorFromData(t.context);
    const mask = tensorFromData(t.mask);
    const dy = tensorFromData(t.dy);
    const r = attn.forward(x, { context: ctx, keyPaddingMask: mask, returnAttention: true });
    expect(maxAbsDiff(r.output, t.y)).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.attention!, t.attn)).toBeLessThan(1e-4);
    const loss = (xi: tf.Tensor, ci: tf.Tensor) => tf.sum(tf.mul(attn.forward(xi, { context: ci, keyPaddingMask: mask }).output, dy)) as tf.Scalar;
    const [gx, gc] = tf.grads(loss)([x, ctx]);
    expect(maxAbsDiff(gx, t['grad.x'])).toBeLessThan(1e-4);
    expect(maxAbsDiff(gc, t['grad.context'])).toBeLessThan(1e-4);
    const { grads } = tf.variableGrads(() => loss(x, ctx), attn.parameters());
    const byName = Object.fromEntries(attn.namedParameters().map((p) => [p.name, grads[p.variable.name]]));
    for (const n of names) {
      const expected = n.endsWith('.weight') ? torchLinearToTf(t[`grad.${n}`]) : t[`grad.${n}`];
      expect(maxAbsDiff(byName[n], expected), n).toBeLessThan(1e-4);
    }
    attn.dispose();
  });
});
