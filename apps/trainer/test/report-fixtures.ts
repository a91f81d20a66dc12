/**
 * Run folders for the report's tests: a hand-written one (every file the report reads, with the
 * damage a killed run leaves) and a real shrunk `runAll` of the tiny preset (made once per test
 * worker and shared by the files that need it).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, writeSafetensors } from '@ecamp/core';
import { encodePng } from '@ecamp/io';
import { loadConfig } from '../src/config/load.js';
import { shrunkRunSets } from './pretrain-fixtures.js';
import { createLogger } from '../src/run/logger.js';
import { runAll } from '../src/run/pipeline.js';

/** A 2-panel (or `panels`-panel) picture like the trainer's: `h`-high panels 4 px apart, with varying pixels. */
export function fakePicture(panels: number, h = 32): Uint8Array {
  const w = panels * h + 4 * (panels - 1);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 31 + (i >> 7)) % 256;
  return new Uint8Array(encodePng(rgb, w, h));
}

/** The metrics of `steps` steps as `ecamp pretrain` logs them. */
export function fakeMetrics(steps: number): string {
  return Array.from({ length: steps }, (_, k) => {
    const s = k + 1;
    return JSON.stringify({
      step: s,
      lr: 0.001 * Math.min(1, s / 3),
      total: 8 - s * 0.1,
      mim: 1 - s * 0.01,
      superres: 0.8 - s * 0.01,
      mlm: 6 - s * 0.08,
      gradNorm: 4 - s * 0.2,
      applied: true,
      ms: 2500 + (s % 3) * 100,
      tensors: 407,
    });
  }).join('\n');
}

/**
 * A hand-made run folder under a fresh `<outDir>`: config, 10 metric lines plus a line without a
 * step and a torn last line, three pictures (4 panels), attention pictures at two of their steps
 * and at a step without one, a stray non-PNG, two checkpoints and a
 * broken one, evaluation with a paired difference, summary with the backend, and an ablation
 * table in the parent naming it.
 */
export function handMadeRun(options: { name?: string; finished?: boolean; evaluation?: boolean } = {}): { outDir: string; dir: string } {
  const outDir = mkdtempSync(join(tmpdir(), 'ecamp-report-'));
  const name = options.name ?? 'base-fusion';
  const dir = join(outDir, name);
  mkdirSync(join(dir, 'pictures'), { recursive: true });
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  const config = {
    name,
    seed: 0,
    data: { source: 'synthetic', syntheticCount: 240, batchSize: 8, context: 'rules' },
    model: {
      vit: 'tiny',
      imageSize: 224,
      patchSize: 16,
      maskRatio: 0.75,
      fusion: 'patches+pooled',
      text: { dim: 192, layers: 2, heads: 3, maxLength: 128 },
      superres: { windowCells: 12 },
    },
    objectives: {
      mim: { enabled: true, weight: 1 },
      superres: { enabled: true, weight: 1, window: 'online' },
      mlm: { enabled: true, weight: 0.5, masking: 'paper' },
    },
    optim: { lr: 0.001, betas: [0.9, 0.95], weightDecay: 0.05, warmupSteps: 3, steps: 12, accumulate: 1, clipNorm: 3 },
    evaluate: { protocol: 'linear-probe', epochs: 40, trainFraction: 1, note: '<script>alert(1)</script>' },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'metrics.jsonl'), `${fakeMetrics(10)}\n{"lr": 1}\n{"step": 11, "total": 4.`);
  for (const s of [5, 10, 12]) writeFileSync(join(dir, 'pictures', `step-${String(s).padStart(6, '0')}.png`), fakePicture(4));
  // The entity words' attention at steps 5 and 12 (2 panels), and one of a step without its training picture.
  for (const s of [5, 7, 12]) writeFileSync(join(dir, 'pictures', `attention-step-${String(s).padStart(6, '0')}.png`), fakePicture(2));
  writeFileSync(join(dir, 'pictures', 'notes.png'), 'not a png');
  writeSafetensors(
    join(dir, 'checkpoints', 'encoder.safetensors'),
    { cls_token: { dtype: 'float32', shape: [1, 1, 4], data: new Float32Array(4) } },
    { format: 'ecamp-vit-encoder-1', preset: 'tiny', step: '12' },
  );
  writeFileSync(join(dir, 'checkpoints', 'broken.safetensors'), Buffer.from([1, 2, 3]));
  if (options.evaluation ?? true) {
    const r = (encoder: string, auroc: number) => ({
      encoder,
      protocol: 'linear-probe',
      auroc,
      aurocInterval: { estimate: auroc, low: auroc - 0.03, high: auroc + 0.03, level: 0.95 },
      perLabelAuroc: [0.6, 0.7, 0.55, 0.5, 0.45, 0.8, 0.52, 0.61].map((v) => v + (encoder === 'scratch' ? -0.05 : 0)),
      accuracy: 0.83,
      trainImages: 168,
      testImages: 48,
      finalTrainLoss: 0.4,
    });
    writeFileSync(
      join(dir, 'evaluation.json'),
      JSON.stringify({ results: [r('pretrained', 0.66), r('scratch', 0.61)], difference: { estimate: 0.05, low: 0.01, high: 0.09, level: 0.95 } }),
    );
  }
  if (options.finished ?? true) {
    writeFileSync(
      join(dir, 'pretrain-summary.json'),
      JSON.stringify({ steps: 12, skippedUpdates: 1, msPerStep: 2550, imagesPerSecond: 3.1, windows: { selected: 90, fallbackNoEntity: 6 } }),
    );
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({
        config: name,
        backend: { backend: 'native', requested: 'native', simd: true, threads: 2, native: { blas: 'openblas', blasCore: 'Haswell' } },
        seconds: 184.5,
      }),
    );
  }
  const row = (variant: string, auroc: number) => ({
    variant,
    overrides: variant === 'base' ? [] : ['model.fusion=patches'],
    finalLoss: { total: 4.7, mim: 0.44, superres: 0.38, mlm: 3.9 },
    msPerStep: 2560,
    auroc,
    scratchAuroc: 0.6,
  });
  writeFileSync(join(outDir, 'ablation-base.json'), JSON.stringify([row('base', 0.64), row('fusion', 0.66)]));
  return { outDir, dir };
}

let realRun: Promise<{ outDir: string; dir: string }> | undefined;

/**
 * A real run folder: `runAll` of the tiny preset shrunk (14 synthetic images, 3 steps, a picture
 * every step, text 64 tokens, 2 evaluation epochs) on the wasm backend. Made once per worker.
 */
export function realTinyRun(): Promise<{ outDir: string; dir: string }> {
  realRun ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ecamp-report-run-'));
    const config = loadConfig('tiny', [...shrunkRunSets(outDir, 'tiny-report'), 'optim.steps=3', 'log.pictureEvery=1', 'model.text.maxLength=64']);
    await initBackend({ backend: 'wasm', quiet: true });
    const lines: string[] = [];
    const log = createLogger('report-test', { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream);
    const { runDir } = await runAll(config, log);
    return { outDir, dir: runDir.root };
  })();
  return realRun;
}

/** An evidence folder as `ecamp ablate --preset evidence` leaves it part-way. */
export function evidenceFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecamp-evidence-'));
  const grid = {
    description: 'Each row adds one component.',
    seeds: [0, 1],
    fractions: [0.01, 0.1],
    rows: [
      { name: 'random', label: 'random init' },
      { name: 'mim', label: 'MIM only' },
    ],
  };
  const aggregates = [
    { row: 'random', task: 'probe', fraction: 0.01, mean: 0.567, std: 0.011, values: [0.556, 0.578] },
    { row: 'random', task: 'probe', fraction: 0.1, mean: 0.663, std: 0.004, values: [0.66, 0.666] },
    { row: 'mim', task: 'probe', fraction: 0.01, mean: 0.584, std: Number.NaN, values: [0.584] },
    { row: 'random', task: 'detection', fraction: 0.1, mean: 0.009, std: 0.005, values: [0.004, 0.014] },
  ];
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ grid, seconds: 186, aggregates, results: [{}, {}, {}, {}, {}, {}, {}] }));
  writeFileSync(join(dir, 'chart.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="red"/></svg>');
  return dir;
}
