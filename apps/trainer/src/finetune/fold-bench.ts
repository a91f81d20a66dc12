/**
 * A segmentation benchmark on an image + mask folder (DRIVE): the images are split into
 * folds by a seeded permutation; for each fold, every encoder's frozen-encoder head is trained
 * on the other images and scored on the fold's. With one fold the split is train/test =
 * (n − size)/size (DRIVE's 20 images: 15/5). Every encoder sees the same splits, so the
 * difference of two encoders' per-image Dice gets a paired bootstrap interval.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@ecamp/core';
import { BadSampleLog, readMaskFolder } from '@ecamp/data';
import { csvLine } from '@ecamp/io';
import { bootstrapRows, type BootstrapInterval } from '@ecamp/downstream';
import type { Logger } from '../run/logger.js';
import { resolveFinetuneOptions } from './options.js';
import { runFinetune, type FinetuneSummary } from './run.js';

/** Options of {@link runFoldBenchmark}. */
export interface FoldBenchmarkOptions {
  /** Folder holding the image and mask folders. */
  root: string;
  images: string;
  masks: string;
  /** Encoders by name: a file or `random`. */
  encoders: Array<{ name: string; encoder: string }>;
  /** Test images per fold (DRIVE: 5 of 20). */
  testSize: number;
  /** Folds to run (1: one split; n / testSize: every image tested once). */
  folds: number;
  seed: number;
  /** Extra `ecamp finetune` flags (epochs, batch size, decoder widths …). */
  flags: Record<string, string>;
  /** Run folder. */
  out: string;
  bootstrap: number;
}

/** One encoder's result over all folds. */
export interface EncoderResult {
  name: string;
  encoder: string;
  /** Per test image (over all folds, in image order): Dice at 0.5. */
  perImage: Array<{ image: string; fold: number; dice: number }>;
  dice: BootstrapInterval;
  seconds: number;
  summaries: FinetuneSummary[];
}

/** What the benchmark found. */
export interface FoldBenchmarkResult {
  images: number;
  folds: number[][];
  results: EncoderResult[];
  /** First encoder minus each other one: paired bootstrap over the test images. */
  differences: Array<{ a: string; b: string; difference: BootstrapInterval }>;
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** Runs every encoder on every fold; writes `<out>/results.json` and returns the results. */
export async function runFoldBenchmark(options: FoldBenchmarkOptions, log: Logger): Promise<FoldBenchmarkResult> {
  const pairs = readMaskFolder({ images: join(options.root, options.images), masks: join(options.root, options.masks), badSamples: new BadSampleLog('fail') });
  const n = pairs.length;
  if (!(options.testSize >= 1 && options.testSize < n)) throw new Error(`fold benchmark: test size ${options.testSize} does not fit ${n} images`);
  if (!(options.folds >= 1 && options.folds * options.testSize <= n))
    throw new Error(`fold benchmark: ${options.folds} folds of ${options.testSize} test images need more than the ${n} images`);
  const order = new Rng(options.seed).fork('folds').shuffle(pairs.map((_, i) => i));
  const folds = Array.from({ length: options.folds }, (_, f) => order.slice(f * options.testSize, (f + 1) * options.testSize).sort((a, b) => a - b));
  mkdirSync(options.out, { recursive: true });
  const results: EncoderResult[] = options.encoders.map((e) => ({
    name: e.name,
    encoder: e.encoder,
    perImage: [],
    dice: undefined as unknown as BootstrapInterval,
    seconds: 0,
    summaries: [],
  }));
  for (const [f, test] of folds.entries()) {
    const dir = join(options.out, `fold-${f}`);
    mkdirSync(dir, { recursive: true });
    const write = (name: string, rows: number[]) => {
      const path = join(dir, name);
      writeFileSync(path, [csvLine(['img_path', 'mask_path']), ...rows.map((i) => csvLine([pairs[i].imagePath, pairs[i].maskPath]))].join('\n') + '\n');
      return path;
    };
    const testCsv = write('test.csv', test);
    const trainCsv = write(
      'train.csv',
      pairs.map((_, i) => i).filter((i) => !test.includes(i)),
    );
    for (const r of results) {
      log.info(`fold ${f + 1}/${folds.length}: ${r.name} encoder (${r.encoder}), ${n - test.length} training / ${test.length} test images`);
      const started = performance.now();
      const summary = await runFinetune(
        resolveFinetuneOptions({
          ...options.flags,
          task: 'segmentation',
          encoder: r.encoder,
          data: trainCsv,
          test: testCsv,
          seed: String(options.seed),
          bootstrap: String(options.bootstrap),
          out: join(dir, r.name),
        }),
        log,
      );
      r.seconds += (performance.now() - started) / 1000;
      r.summaries.push(summary);
      const dice = summary.test.details.perImageDice as number[];
      if (dice.length !== test.length) throw new Error(`fold ${f}: ${r.name} scored ${dice.length} of ${test.length} test images`);
      test.forEach((i, k) => r.perImage.push({ image: pairs[i].imagePath, fold: f, dice: dice[k] }));
    }
  }
  for (const r of results) {
    const d = r.perImage.map((p) => p.dice);
    r.dice = bootstrapRows(d.length, (rows) => mean(rows.map((k) => d[k])), { resamples: options.bootstrap, seed: options.seed });
  }
  const differences = results.slice(1).map((b) => {
    const a = results[0];
    return {
      a: a.name,
      b: b.name,
      difference: bootstrapRows(a.perImage.length, (rows) => mean(rows.map((k) => a.perImage[k].dice - b.perImage[k].dice)), {
        resamples: options.bootstrap,
        seed: options.seed,
      }),
    };
  });
  const result: FoldBenchmarkResult = { images: n, folds, results, differences };
  writeFileSync(join(options.out, 'results.json'), `${JSON.stringify({ ...result, results: results.map(({ summaries: _s, ...r }) => r) }, null, 2)}\n`);
  return result;
}

/** The result as a Markdown table and a verdict line. */
export function formatFoldBenchmark(r: FoldBenchmarkResult, testSize: number): string {
  const f = (i: BootstrapInterval) => `${i.estimate.toFixed(3)} (95 % interval ${i.low.toFixed(3)} … ${i.high.toFixed(3)})`;
  const lines = [
    `${r.folds.length} fold${r.folds.length > 1 ? 's' : ''} of ${r.images - testSize}/${testSize} train/test images; Dice per test image at p > 0.5, mean over ${r.results[0].perImage.length} test images`,
    '',
    '| encoder | Dice | wall time |',
    '|---|---|---|',
    ...r.results.map((x) => `| ${x.name} (${x.encoder}) | ${f(x.dice)} | ${(x.seconds / 60).toFixed(1)} min |`),
  ];
  for (const d of r.differences) {
    const verdict =
      d.difference.low > 0
        ? `${d.a} is better: the whole interval is above 0`
        : d.difference.high < 0
          ? `${d.b} is better: the whole interval is below 0`
          : 'no difference shown: the interval contains 0';
    lines.push('', `${d.a} − ${d.b}: ${f(d.difference)} (paired over the same test images) — ${verdict}`);
  }
  return lines.join('\n');
}
