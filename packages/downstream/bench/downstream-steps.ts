/**
 * Benchmark: one training step of each downstream head at the paper's shapes
 * (ViT-B/16 features: D = 768 on a 14×14 grid, 224 outputs) and the metrics
 * at the sizes of the real test sets. Prints the median ms per step over the
 * timed steps after warm-up.
 *
 * - linear probe on cached pooled features: batch 256, 14 labels (ChestX-ray14)
 * - segmentation decoder (4 × conv-BN-ReLU-upsample, widths 256/128/64/32): batch 4
 * - detection head (3 scales 28/14/7, 3 anchors, 1 class, width 256): batch 4
 * - AUROC of 25,596 × 14 scores; detection mAP of 1,000 images × 20 boxes
 *
 * Run: `pnpm --filter @ecamp/downstream bench` (env: ECAMP_BACKEND=wasm|cpu|tensorflow,
 * BENCH_STEPS (default 5), BENCH_WARMUP (default 1), BENCH_BATCH (dense heads, default 4)).
 */
import { loadavg } from 'node:os';
import { AdamW, initBackend, Rng, tf, trainStep } from '@ecamp/core';
import { ClassificationHead } from '../src/classification/head.js';
import { classificationLoss } from '../src/classification/task.js';
import { SegmentationDecoder } from '../src/segmentation/decoder.js';
import { segmentationLoss } from '../src/segmentation/mixed-loss.js';
import { DetectionHead } from '../src/detection/head.js';
import { yoloV3Config } from '../src/detection/anchors.js';
import { assignTargets } from '../src/detection/targets.js';
import { yoloLoss } from '../src/detection/yolo-loss.js';
import { multiLabelAuroc } from '../src/metrics/auroc.js';
import { detectionMap, type ImageDetections } from '../src/metrics/detection-map.js';
import type { Box } from '../src/metrics/box.js';

const env = (name: string, fallback: number): number => (process.env[name] !== undefined ? Number(process.env[name]) : fallback);
const STEPS = env('BENCH_STEPS', 5);
const WARMUP = env('BENCH_WARMUP', 1);
const BATCH = env('BENCH_BATCH', 4);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(label: string, step: () => void, steps = STEPS, warmup = WARMUP): void {
  for (let i = 0; i < warmup; i++) step();
  const ms: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    ms.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(52)} median ${median(ms).toFixed(1).padStart(9)} ms  (min ${Math.min(...ms).toFixed(1)}, ${steps} steps)`);
}

async function main(): Promise<void> {
  const info = await initBackend({ quiet: true });
  console.log(`backend=${info.backend} simd=${info.simd} threads=${info.threads}${info.fallbackReason ? ` (${info.fallbackReason})` : ''}`);
  console.log(`load average before: ${loadavg()[0].toFixed(2)} (figures are only trustworthy below 1.5)`);
  const rng = new Rng(0);
  const D = 768;

  // Linear probe on cached features.
  {
    const head = new ClassificationHead(D, 14, { rng: rng.fork('head') });
    const opt = new AdamW(head.namedParameters(), { lr: 1e-3, betas: [0.9, 0.999] });
    const x = tf.tensor2d(rng.normalArray(256 * D), [256, D]);
    const labels = Float32Array.from({ length: 256 * 14 }, () => (rng.uniform() < 0.1 ? 1 : 0));
    time('linear probe step (256 × 768 → 14)', () => {
      trainStep(head.namedParameters(), () => classificationLoss('multi-label', head.classify(x), labels), opt);
    });
    tf.dispose(x);
    opt.dispose();
    head.dispose();
  }

  const features = tf.tensor4d(rng.normalArray(BATCH * 14 * 14 * D), [BATCH, 14, 14, D]);

  // Segmentation decoder.
  {
    const decoder = new SegmentationDecoder(D, { rng: rng.fork('dec') });
    const params = decoder.namedParameters();
    const opt = new AdamW(params, { lr: 5e-4, betas: [0.9, 0.999] });
    const masks = tf.tensor4d(
      Float32Array.from({ length: BATCH * 224 * 224 }, (_, i) => (i % 224 < 80 ? 1 : 0)),
      [BATCH, 224, 224, 1],
    );
    time(`segmentation decoder step (${BATCH} × 14² × 768 → 224²)`, () => {
      trainStep(params, () => segmentationLoss(decoder.forward(features), masks), opt);
    });
    tf.dispose(masks);
    opt.dispose();
    decoder.dispose();
  }

  // Detection head.
  {
    const config = yoloV3Config(224, 1);
    const head = new DetectionHead(D, config, { rng: rng.fork('det') });
    const params = head.namedParameters();
    const opt = new AdamW(params, { lr: 1e-3, betas: [0.9, 0.999] });
    const boxes: Box[][] = Array.from({ length: BATCH }, (_, b) => [
      [20 + b, 30, 90 + b, 120],
      [120, 60, 200, 180],
    ]);
    const targets = assignTargets(boxes, config);
    time(`detection head step (${BATCH} × 14² × 768 → 28/14/7)`, () => {
      trainStep(params, () => yoloLoss(head.forward(features), targets, boxes, config).total, opt);
    });
    opt.dispose();
    head.dispose();
  }
  features.dispose();

  // Metrics at test-set sizes.
  {
    const n = 25596;
    const scores = rng.uniformArray(n * 14);
    const targets = Float32Array.from(scores, (s) => (rng.uniform() < 0.05 + 0.2 * s ? 1 : 0));
    time('AUROC, 25,596 × 14 labels', () => multiLabelAuroc(scores, targets, 14), 3, 1);
    const truth: Box[][] = Array.from({ length: 1000 }, () => [[rng.uniform(0, 150), rng.uniform(0, 150), 180, 200]]);
    const predictions: ImageDetections[] = truth.map((t) => {
      const boxes = Array.from({ length: 20 }, () => t[0].map((v) => v + rng.uniform(-10, 10)) as Box).map((b) => [
        Math.min(b[0], b[2]),
        Math.min(b[1], b[3]),
        Math.max(b[0], b[2]),
        Math.max(b[1], b[3]),
      ]);
      return { boxes, scores: boxes.map(() => rng.uniform()) };
    });
    time('detection mAP@[0.40:0.75], 1,000 images × 20 boxes', () => detectionMap(predictions, truth), 3, 1);
  }
  console.log(`load average after: ${loadavg()[0].toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
