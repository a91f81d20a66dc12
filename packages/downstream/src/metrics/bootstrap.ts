import { Rng } from '@ecamp/core';
import { multiLabelAuroc } from './auroc.js';

/** A statistic with its percentile bootstrap interval. */
export interface BootstrapInterval {
  /** The statistic on the full sample. */
  estimate: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
  /** Coverage of the interval (e.g. 0.95). */
  level: number;
  /** Resamples that gave a defined statistic (a resample can lose every positive of every label). */
  resamples: number;
}

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Coverage (default 0.95). */
  level?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function rowsOf(values: ArrayLike<number>, rows: readonly number[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, k) => {
    for (let c = 0; c < width; c++) out[k * width + c] = values[r * width + c];
  });
  return out;
}

/**
 * Percentile bootstrap over images of a statistic of the rows `0..n−1`: the
 * images are drawn with replacement `resamples` times (seeded), `statistic` is
 * evaluated on each draw, and the (1 − level)/2 and (1 + level)/2 percentiles
 * of the defined values are the interval.
 */
export function bootstrapRows(n: number, statistic: (rows: readonly number[]) => number, options: BootstrapOptions = {}): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(n) || n < 1) throw new Error(`bootstrap: need at least one row, got ${n}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  const rng = new Rng(options.seed ?? 0).fork('bootstrap');
  const all = Array.from({ length: n }, (_, i) => i);
  const values: number[] = [];
  const rows = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) rows[i] = rng.int(n);
    const v = statistic(rows);
    if (!Number.isNaN(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  return { estimate: statistic(all), low: percentile(values, (1 - level) / 2), high: percentile(values, (1 + level) / 2), level, resamples: values.length };
}

/**
 * Mean AUROC over labels (as {@link multiLabelAuroc}) with its bootstrap interval over images.
 * @param scores [N, C] row-major @param targets [N, C] row-major 0/1
 */
export function bootstrapMeanAuroc(
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  numLabels: number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapMeanAurocOverDraws([scores], targets, numLabels, options);
}

/**
 * The mean over draws of the mean AUROC over labels, with its bootstrap interval over images:
 * `draws` are one model's test scores after training on different label subsets (label-sampling
 * noise averaged out), each resample scores every draw on the same images. One draw is
 * {@link bootstrapMeanAuroc}.
 * @param draws each [N, C] row-major @param targets [N, C] row-major 0/1
 */
export function bootstrapMeanAurocOverDraws(
  draws: readonly ArrayLike<number>[],
  targets: ArrayLike<number>,
  numLabels: number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  checkDraws('bootstrapMeanAurocOverDraws', [draws], targets, numLabels);
  const n = targets.length / numLabels;
  return bootstrapRows(
    n,
    (rows) => {
      const t = rowsOf(targets, rows, numLabels);
      return mean(draws.map((d) => multiLabelAuroc(rowsOf(d, rows, numLabels), t, numLabels).mean));
    },
    options,
  );
}

/**
 * The difference of two models' mean AUROC on the same test images (A − B) with a
 * paired bootstrap interval: each resample draws images once and scores both models on
 * them, so the interval reflects the images both see, not two independent noises.
 */
export function pairedBootstrapAurocDifference(
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  targets: ArrayLike<number>,
  numLabels: number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return pairedBootstrapAurocDifferenceOverDraws([scoresA], [scoresB], targets, numLabels, options);
}

/**
 * {@link pairedBootstrapAurocDifference} averaged over label draws: draw k of A and of B were
 * trained on the same label subset, so the difference is paired by draw and by image; the
 * statistic is the mean over draws of (AUROC A − AUROC B).
 */
export function pairedBootstrapAurocDifferenceOverDraws(
  drawsA: readonly ArrayLike<number>[],
  drawsB: readonly ArrayLike<number>[],
  targets: ArrayLike<number>,
  numLabels: number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  if (drawsA.length !== drawsB.length)
    throw new Error(`pairedBootstrapAurocDifference: ${drawsA.length} draws of A but ${drawsB.length} of B (draws are paired)`);
  checkDraws('pairedBootstrapAurocDifference', [drawsA, drawsB], targets, numLabels);
  const n = targets.length / numLabels;
  return bootstrapRows(
    n,
    (rows) => {
      const t = rowsOf(targets, rows, numLabels);
      return mean(
        drawsA.map(
          (a, k) => multiLabelAuroc(rowsOf(a, rows, numLabels), t, numLabels).mean - multiLabelAuroc(rowsOf(drawsB[k], rows, numLabels), t, numLabels).mean,
        ),
      );
    },
    options,
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function checkDraws(what: string, models: readonly (readonly ArrayLike<number>[])[], targets: ArrayLike<number>, numLabels: number): void {
  if (models.some((draws) => draws.length === 0)) throw new Error(`${what}: no draws of scores`);
  const bad = models.flat().find((s) => s.length !== targets.length);
  if (bad || targets.length % numLabels !== 0) {
    throw new Error(
      `${what}: shapes differ (${models
        .flat()
        .map((s) => s.length)
        .join(', ')} scores, ${targets.length} targets, ${numLabels} labels)`,
    );
  }
}
