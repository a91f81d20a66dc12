/**
 * Layer benchmark: Linear and multi-head attention forward+backward at tiny-ViT shapes
 * (B = 8, N = 50 and 197, D = 192, H = 3) on native, wasm and cpu, ours against the plain tfjs
 * formulation (autodiff through transposed/batched matmuls).
 *
 * Run: pnpm bench   (node --conditions=source --import tsx bench/layers.ts)
 * Options: BENCH_REPS (default 5), BENCH_BACKENDS (default "native,wasm,cpu"), BENCH_N (default "50,197"),
 * BENCH_SECTIONS (default "linear,attention,embedding,conv"), BENCH_SLOW=1 adds tfjs's own cpu conv
 * gradient as a baseline (~100 s per repetition).
 * Measure on a quiet machine (uptime load < 1): figures are medians of BENCH_REPS runs.
 */
import { cpus, loadavg } from 'node:os';
import { conv2d, Embedding, initBackend, linear, MultiHeadAttention, Rng, tf, type BackendName } from '../src/index.js';
import { setBatchMatMulStrategy } from '../src/kernels/index.js';

const reps = Number(process.env.BENCH_REPS ?? 5);
const backends = (process.env.BENCH_BACKENDS ?? 'native,wasm,cpu').split(',') as BackendName[];
const sizes = (process.env.BENCH_N ?? '50,197').split(',').map(Number);
const sections = new Set((process.env.BENCH_SECTIONS ?? 'linear,attention,embedding,conv').split(','));
const B = 8;
const D = 192;
const H = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ms of `f` (which must read its result back so asynchronous backends finish). */
function time(f: () => void): number {
  f(); // warm-up: kernel set-up, XNNPACK operator creation
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function report(backend: string, what: string, n: number, flops: number, ms: number): void {
  console.log(
    `${backend.padEnd(5)} ${what.padEnd(48)} N=${String(n).padEnd(4)} ${ms.toFixed(1).padStart(8)} ms` +
      (flops > 0 ? ` ${(flops / ms / 1e6).toFixed(2).padStart(7)} GFLOP/s` : ''),
  );
}

/** Plain tfjs attention (what one writes without care): batched transposed matmuls, autodiff. */
function plainAttention(x: tf.Tensor, wqkv: tf.Tensor, bqkv: tf.Tensor, wo: tf.Tensor, bo: tf.Tensor): tf.Tensor {
  const [b, n] = x.shape as number[];
  const qkv = tf.add(tf.matMul(tf.reshape(x, [b * n, D]), wqkv), bqkv);
  const t = tf.transpose(tf.reshape(qkv, [b, n, 3, H, D / H]), [2, 0, 3, 1, 4]); // rank-5, as timm
  const [q, k, v] = tf.unstack(t);
  const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), (D / H) ** -0.5));
  const o = tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [b * n, D]);
  return tf.add(tf.matMul(o, wo), bo);
}

console.log(`# @ecamp/core layer benchmark — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, load ${loadavg()[0].toFixed(2)}, reps ${reps}`);
for (const backend of backends) {
  await initBackend({ backend, quiet: true });
  const rng = new Rng(0);
  for (const n of sizes) {
    const rows = B * n;
    // Linear 192 → 768 (the MLP's fc1), forward + backward (dx, dW, db): 3 GEMMs of 2·rows·192·768.
    const x = tf.tensor(rng.normalArray(rows * D), [B, n, D]);
    const w = tf.tensor(rng.normalArray(D * 4 * D, 0, 0.02), [D, 4 * D]);
    const bias = tf.zeros([4 * D]);
    const linFlops = 3 * 2 * rows * D * 4 * D;
    const gOurs = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(linear(a, b, c)));
    const gPlain = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.add(tf.matMul(tf.reshape(a, [rows, D]), b), c)));
    const run = (g: typeof gOurs) => () => tf.tidy(() => g([x, w, bias]).forEach((t) => t.dataSync()));
    if (sections.has('linear')) {
      report(backend, 'Linear 192→768 fwd+bwd (ours)', n, linFlops, time(run(gOurs)));
      report(backend, 'Linear 192→768 fwd+bwd (plain tf.matMul)', n, linFlops, time(run(gPlain)));
    }

    // Attention fwd+bwd: qkv and proj GEMMs (3× fwd each) + QKᵀ and PV (3× fwd each).
    const attn = new MultiHeadAttention(D, H, { rng: rng.fork('attn') });
    const attnFlops = 3 * (2 * rows * D * 3 * D + 2 * rows * D * D + 2 * 2 * B * n * n * D);
    const params = attn.parameters();
    const ours = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(attn.forward(x).output) as tf.Scalar, params);
        value.dataSync();
        Object.values(grads).forEach((t) => t.dataSync());
      });
    for (const strategy of sections.has('attention') ? (['loop', 'batched'] as const) : []) {
      setBatchMatMulStrategy(strategy);
      report(backend, `Attention fwd+bwd (ours, ${strategy} matmuls)`, n, attnFlops, time(ours));
    }
    setBatchMatMulStrategy('auto');
    const [wqkv, bqkv, wo, bo] = params;
    const plain = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(plainAttention(x, wqkv, bqkv, wo, bo)) as tf.Scalar, params);
        value.dataSync();
        Object.values(grads).forEach((t) => t.dataSync());
      });
    if (sections.has('attention')) report(backend, 'Attention fwd+bwd (plain tfjs autodiff)', n, attnFlops, time(plain));
    attn.dispose();
    tf.dispose([x, w, bias]);
  }

  // Embedding 30k × 192, 8×197 ids, fwd+bwd: ours (JS scatter-add) vs tfjs gather autodiff
  // (UnsortedSegmentSum; absent on wasm, minutes on cpu for 30k rows — run with BENCH_PLAIN_EMBEDDING=1).
  const emb = new Embedding(30000, D, { rng: new Rng(1) });
  const ids = tf.tensor2d(
    Int32Array.from({ length: B * 197 }, (_, i) => (i * 7919) % 30000),
    [B, 197],
    'int32',
  );
  const embStep = (useOurs: boolean) => () =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(useOurs ? emb.forward(ids) : tf.gather(emb.weight, ids)) as tf.Scalar, emb.parameters());
      Object.values(grads).forEach((t) => t.dataSync());
    });
  if (sections.has('embedding')) report(backend, 'Embedding 30k×192 fwd+bwd (ours)', 197, 0, time(embStep(true)));
  if (process.env.BENCH_PLAIN_EMBEDDING === '1' && backend === 'cpu') {
    report(backend, 'Embedding 30k×192 fwd+bwd (tf.gather autodiff)', 197, 0, time(embStep(false)));
  }
  emb.dispose();
  ids.dispose();

  // Conv 3×3, 32 → 32 channels on 2 × 112² (the SR head's kind of layer), fwd+bwd (dx, dW).
  const cx = tf.tensor(rng.normalArray(2 * 112 * 112 * 32), [2, 112, 112, 32]) as tf.Tensor4D;
  const cw = tf.tensor(rng.normalArray(9 * 32 * 32, 0, 0.05), [3, 3, 32, 32]) as tf.Tensor4D;
  const convFlops = 3 * 2 * 2 * 112 * 112 * 9 * 32 * 32;
  const convStep = (useOurs: boolean) => () =>
    tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, k: tf.Tensor) =>
        tf.sum(useOurs ? conv2d(a as tf.Tensor4D, k as tf.Tensor4D) : tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, 'same')),
      )([cx, cw]);
      g.forEach((t) => t.dataSync());
    });
  if (sections.has('conv')) report(backend, 'Conv2d 3×3 32→32 2×112² fwd+bwd (ours)', 112, convFlops, time(convStep(true)));
  // wasm has no Conv2DBackpropFilter: tfjs autodiff cannot train a conv there at all.
  if (sections.has('conv') && backend !== 'wasm') {
    // tfjs's own cpu conv gradient takes ~100 s per repetition here: opt in with BENCH_SLOW=1.
    if (process.env.BENCH_SLOW === '1') report(backend, 'Conv2d 3×3 32→32 2×112² fwd+bwd (tf.conv2d)', 112, convFlops, time(convStep(false)));
    else console.log(`${backend}   Conv2d 3×3 32→32 2×112² fwd+bwd (tf.conv2d)   skipped: ~100 s per repetition; set BENCH_SLOW=1`);
  }
  tf.dispose([cx, cw]);
}
