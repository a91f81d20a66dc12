/**
 * Benchmark: one MAE pre-training step (forward, backward, AdamW) at the ECAMP-tiny shapes
 * (image 224, patch 16, encoder 192/4/3, decoder 128/2/4, batch 8), median ms/step and
 * images/s over the timed steps after warm-up, then the same step in PyTorch
 * (`../shared/anchors/torch_ecamp_step.py --no-sr --no-mlm`) and the ratio ours / PyTorch.
 *
 * Run: `pnpm --filter @ecamp/vision bench` (env: ECAMP_BACKEND=native|wasm|cpu|tensorflow,
 * BENCH_STEPS (default 6), BENCH_WARMUP (2), BENCH_THREADS (anchor threads, default 2: the
 * machine's cores, as ours uses), BENCH_PROFILE=1 for a per-part timing of forward/backward,
 * BENCH_ANCHOR=0 to skip PyTorch). Prints wall, CPU and peak-memory ratios and a load check on
 * both sides: on a shared, busy machine the CPU-time ratio is the more trustworthy one.
 */
import { loadavg } from 'node:os';
import { AdamW, initBackend, namedGradients, disposeGrads, Rng, tf } from '@ecamp/core';
import { createMae } from '../src/registry.js';
import { LoadCheck, reportComparison, runTorchAnchor } from '@ecamp/bench-anchor';

const env = (name: string, fallback: number): number => (process.env[name] !== undefined ? Number(process.env[name]) : fallback);
const STEPS = env('BENCH_STEPS', 6);
const WARMUP = env('BENCH_WARMUP', 2);
const THREADS = env('BENCH_THREADS', 2);
const BATCH = 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const info = await initBackend({ quiet: true });

  const mae = createMae('tiny', { seed: 0 });
  const cfg = mae.config;
  const rng = new Rng(1);
  const pixels = new Float32Array(BATCH * cfg.imageSize * cfg.imageSize * cfg.inChannels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.normal();
  const imgs = tf.tensor4d(pixels, [BATCH, cfg.imageSize, cfg.imageSize, cfg.inChannels]);
  const params = mae.namedParameters();
  const opt = new AdamW(params, { lr: 1.5e-4, weightDecay: 0.05, betas: [0.9, 0.95] });
  const maskRng = new Rng(2);

  const step = (): number => {
    const { loss, grads } = namedGradients(params, () => mae.forwardPretrain(imgs, cfg.maskRatio, maskRng).loss);
    const value = loss.dataSync()[0];
    opt.step(grads);
    disposeGrads(grads);
    loss.dispose();
    return value;
  };

  for (let i = 0; i < WARMUP; i++) step();
  const before = tf.memory().numTensors;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const load = new LoadCheck();
  for (let i = 0; i < STEPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  const loadLine = load.line();
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`MAE step leaked ${leaked} tensors over ${STEPS} steps`);
  if (process.env.BENCH_PROFILE === '1') profileParts(mae, imgs);
  const backendLine = `backend=${info.backend} simd=${info.simd} threads=${info.threads}${info.native ? ` native=${info.native.blas} (${info.native.blasCore})` : ''}${info.fallbackReason ? ` (${info.fallbackReason})` : ''}`;
  const ours = {
    medianMs: median(times),
    minMs: Math.min(...times),
    stepsMs: times,
    cpuMsPerStep: median(cpuTimes),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    loadCheck: loadLine,
  };
  const anchor =
    process.env.BENCH_ANCHOR === '0'
      ? ({ ok: false, reason: 'skipped (BENCH_ANCHOR=0)' } as const)
      : runTorchAnchor({
          threads: THREADS,
          batch: BATCH,
          steps: Math.max(STEPS, 5),
          warmup: WARMUP,
          dim: cfg.embedDim,
          depth: cfg.depth,
          heads: cfg.numHeads,
          decDim: cfg.decoderEmbedDim,
          decDepth: cfg.decoderDepth,
          decHeads: cfg.decoderNumHeads,
          maskRatio: cfg.maskRatio,
          noSr: true,
          noMlm: true,
        });
  reportComparison(`MAE pre-training step (ViT-tiny MAE, batch ${BATCH}), no tensors leaked`, backendLine, ours, anchor, THREADS);
  console.log(`load average before: ${load.loadBefore.toFixed(2)}, after: ${loadavg()[0].toFixed(2)} (figures are trustworthy below 1.5)`);
  opt.dispose();
  imgs.dispose();
  mae.dispose();
}

/** Times the forward parts and the whole backward separately (median of 3). */
function profileParts(mae: ReturnType<typeof createMae>, imgs: tf.Tensor): void {
  const time = (label: string, f: () => void): void => {
    const ts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      f();
      ts.push(performance.now() - t0);
    }
    console.log(`  ${label.padEnd(34)} ${median(ts).toFixed(1)} ms`);
  };
  const rng = new Rng(9);
  const m = mae.maskingFor(imgs.shape[0], mae.config.maskRatio, rng);
  console.log('profile (median of 3):');
  time('encoder forward', () => tf.dispose(mae.forwardEncoder(imgs, mae.config.maskRatio, m)));
  const enc = mae.forwardEncoder(imgs, mae.config.maskRatio, m);
  time('decoder forward', () => tf.dispose(mae.forwardDecoder(enc.latent, enc.idsRestore)));
  time('full forward + loss', () => tf.dispose(mae.forwardPretrain(imgs, mae.config.maskRatio, m)));
  const vars = mae.parameters();
  time('forward + backward (variableGrads)', () => {
    const g = tf.variableGrads(() => mae.forwardPretrain(imgs, mae.config.maskRatio, m).loss, vars);
    tf.dispose([g.value, ...Object.values(g.grads)]);
  });
  tf.dispose(enc);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
