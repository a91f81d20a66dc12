/**
 * Benchmark: one context-fusion-layer training step (forward with attention + backward)
 * at the tiny preset's text shapes (batch 8, 128 tokens, width 192, 3 heads, FFN 384,
 * 49 visible image tokens of width 192). When /usr/bin/python3 has torch, the same layer
 * runs in PyTorch in this process run and the ratio ours / PyTorch is printed.
 *
 *   pnpm --filter @ecamp/fusion bench          (BENCH_BATCH, BENCH_REPS, BENCH_THREADS override)
 */
import { initBackend, Rng, tf } from '@ecamp/core';
import { runInlineTorch, timeSteps } from '@ecamp/bench-anchor';
import { ContextFusionLayer } from '../src/index.js';

const B = Number(process.env.BENCH_BATCH ?? 8);
const reps = Number(process.env.BENCH_REPS ?? 5);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const [L, D, H, I, M] = [128, 192, 3, 384, 49];
const info = await initBackend({ threads });
console.log(`backend ${info.backend}, B=${B} L=${L} D=${D} H=${H} I=${I} M=${M}, ${reps} timed steps`);

const rng = new Rng(0);
const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: I, dropout: 0, rng });
const hidden = tf.tensor3d(rng.normalArray(B * L * D), [B, L, D]);
const patches = tf.tensor3d(rng.normalArray(B * M * D), [B, M, D]);
const pooled = tf.mean(patches, 1) as tf.Tensor2D;
const textMask = tf.ones([B, L]) as tf.Tensor2D;
const step = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.forward({ hidden, textMask, patches, pooled, returnAttention: true });
      return tf.add(tf.mean(out.hidden), tf.mean(out.attention!)) as tf.Scalar;
    }, layer.parameters());
    value.dataSync();
    tf.dispose(Object.values(grads));
  });
const { medianMs: ours, minMs } = timeSteps(step, reps);
console.log(`ours: fusion step median ${ours.toFixed(1)} ms (min ${minMs.toFixed(1)})`);

const py = `
import torch, torch.nn as nn, torch.nn.functional as F
B,L,D,H,I,M=${B},${L},${D},${H},${I},${M}
lin=lambda i,o: nn.Linear(i,o)
attn_qkv,attn_o,cq,ckv,co,pp,f1,f2=lin(D,3*D),lin(D,D),lin(D,D),lin(D,2*D),lin(D,D),lin(D,D),lin(D,I),lin(I,D)
n1,n2,n3=nn.LayerNorm(D,eps=1e-12),nn.LayerNorm(D,eps=1e-12),nn.LayerNorm(D,eps=1e-12)
h=torch.randn(B,L,D); p=torch.randn(B,M,D); pooled=p.mean(1)
def heads(t,n): return t.view(B,n,H,D//H).transpose(1,2)
def mha(q,k,v,n):
    pr=(heads(q,L)@heads(k,n).transpose(-1,-2)/(D//H)**0.5).softmax(-1)
    return (pr@heads(v,n)).transpose(1,2).reshape(B,L,D),pr
def step():
    q,k,v=attn_qkv(h).split(D,-1)
    a,_=mha(q,k,v,L); h1=n1(h+attn_o(a))
    k2,v2=ckv(p).split(D,-1)
    c,pr=mha(cq(h1),k2,v2,M); h2=n2(h1+co(c)+pp(pooled)[:,None,:])
    out=n3(h2+f2(F.gelu(f1(h2))))
    (out.mean()+pr.mean()).backward()
`;
const torch = runInlineTorch(py, { threads, reps });
if (torch.ok) console.log(`pytorch: fusion step median ${torch.medianMs.toFixed(1)} ms → ours / PyTorch = ${(ours / torch.medianMs).toFixed(2)}`);
else console.log(`pytorch anchor skipped: ${torch.reason}`);
tf.dispose([hidden, patches, pooled, textMask]);
layer.dispose();
