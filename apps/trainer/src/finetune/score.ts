/**
 * Test metrics with their percentile bootstrap intervals over images, as printed by
 * `ecamp finetune` and `ecamp eval`: classification AUROC (multi-label) or accuracy and
 * macro AUROC (single-label); segmentation per-image Dice at 0.5 (with the empty-mask
 * convention said) and Dice over images with a finding; detection mAP over IoU
 * 0.40:0.05:0.75 in two named modes — ours over every test image, and the authors'.
 */
import {
  authorsDetectionMap,
  bootstrapRows,
  detectionMap,
  multiLabelAuroc,
  topOneAccuracy,
  type BootstrapInterval,
  type Box,
  type ClassificationEvaluation,
  type DetectionEvaluation,
  type ImageDetections,
  type SegmentationEvaluation,
} from '@ecamp/downstream';

/** One number with its interval. */
export interface Scored {
  name: string;
  value: number;
  interval?: BootstrapInterval;
  /** What exactly it is (printed under the number). */
  note?: string;
}

/** Test metrics of one run. */
export interface TestMetrics {
  task: 'classification' | 'segmentation' | 'detection';
  images: number;
  /** The metric that selects the best epoch comes first. */
  metrics: Scored[];
  /** Per label / class AUROC, per threshold AP … */
  details: Record<string, unknown>;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** Rows `rows` of a row-major [N, width] array. */
function pick(values: ArrayLike<number>, rows: readonly number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, k) => {
    for (let c = 0; c < width; c++) out[k * width + c] = values[r * width + c];
  });
  return out;
}

/** Classification metrics with intervals: multi-label mean AUROC; single-label accuracy and macro (one-vs-rest) AUROC. */
export function classificationScores(
  r: ClassificationEvaluation,
  mode: 'multi-label' | 'single-label',
  numClasses: number,
  resamples: number,
  seed: number,
): TestMetrics {
  const n = r.count;
  const boot = { resamples, seed };
  if (mode === 'multi-label') {
    const auroc = bootstrapRows(n, (rows) => multiLabelAuroc(pick(r.scores, rows, numClasses), pick(r.targets, rows, numClasses), numClasses).mean, boot);
    return {
      task: 'classification',
      images: n,
      metrics: [
        {
          name: 'mean AUROC',
          value: r.auroc,
          interval: auroc,
          note: `over the ${r.perLabelAuroc.filter((v) => !Number.isNaN(v)).length} labels with both classes in the test data`,
        },
        { name: 'accuracy', value: r.accuracy, note: 'every label thresholded at 0.5' },
      ],
      details: { perLabelAuroc: r.perLabelAuroc },
    };
  }
  const oneHot = (rows: readonly number[]) => {
    const t = new Float32Array(rows.length * numClasses);
    rows.forEach((row, k) => (t[k * numClasses + r.targets[row]] = 1));
    return t;
  };
  const accuracy = bootstrapRows(n, (rows) => topOneAccuracy(pick(r.scores, rows, numClasses), pick(r.targets, rows, 1), numClasses), boot);
  const auroc = bootstrapRows(n, (rows) => multiLabelAuroc(pick(r.scores, rows, numClasses), oneHot(rows), numClasses).mean, boot);
  return {
    task: 'classification',
    images: n,
    metrics: [
      { name: 'accuracy', value: r.accuracy, interval: accuracy, note: 'top-1 over the classes' },
      { name: 'macro AUROC', value: r.auroc, interval: auroc, note: 'one-vs-rest per class, averaged' },
    ],
    details: { perClassAuroc: r.perLabelAuroc, confusion: r.confusion },
  };
}

/**
 * Segmentation: per-image Dice at 0.5 averaged over every test image (an image with an empty
 * mask and an empty prediction scores 1 — the SIIM convention, the authors' `get_dice`), and
 * over the images whose mask is not empty.
 * @param positive per image, whether its true mask has a foreground pixel
 */
export function segmentationScores(r: SegmentationEvaluation, positive: boolean[], resamples: number, seed: number): TestMetrics {
  const dice = r.perImageDice[0];
  const n = dice.length;
  const boot = { resamples, seed };
  const withFinding = dice.filter((_, i) => positive[i]);
  const empty = n - withFinding.length;
  const metrics: Scored[] = [
    {
      name: 'Dice',
      value: r.dice,
      interval: bootstrapRows(n, (rows) => mean(rows.map((i) => dice[i])), boot),
      note: `per image at p > 0.5, mean over all ${n} images; ${empty} with an empty mask (empty prediction on an empty mask = 1, as the authors' get_dice)`,
    },
  ];
  if (withFinding.length && empty) {
    metrics.push({
      name: 'Dice (images with a finding)',
      value: mean(withFinding),
      interval: bootstrapRows(withFinding.length, (rows) => mean(rows.map((i) => withFinding[i])), boot),
      note: `the ${withFinding.length} images whose mask is not empty`,
    });
  }
  metrics.push({ name: 'IoU', value: r.iou, note: 'per image at p > 0.5, mean' });
  return { task: 'segmentation', images: n, metrics, details: { perImageDice: dice } };
}

/** Detection: our mAP over every test image, and the authors' mAP, each with a bootstrap interval over images. */
export function detectionScores(r: DetectionEvaluation, resamples: number, seed: number): TestMetrics {
  const n = r.count;
  const boot = { resamples, seed };
  const sub = <T>(xs: T[], rows: readonly number[]) => rows.map((i) => xs[i]);
  const ours = bootstrapRows(n, (rows) => detectionMap(sub<ImageDetections>(r.detections, rows), sub<Box[]>(r.truth, rows)).mean, boot);
  const metrics: Scored[] = [
    {
      name: 'mAP (ours)',
      value: r.map,
      interval: ours,
      note: `every test image (${n}); VOC matching, all-point AP; boxes scored σ(obj)·σ(class) ≥ 0.01; mean over IoU 0.40:0.05:0.75`,
    },
  ];
  if (r.authors) {
    const a = r.authors;
    const theirs = bootstrapRows(n, (rows) => authorsDetectionMap(sub(a.detections, rows), sub(r.truth, rows)).mean, boot);
    metrics.push({
      name: "mAP (authors')",
      value: a.map,
      interval: theirs,
      note: `torchmetrics-style: COCO matching, 101-point AP; σ(obj) ≥ 0.5; only the ${a.images} images with a true box and a non-empty output; mean over IoU 0.40:0.05:0.75`,
    });
  }
  return { task: 'detection', images: n, metrics, details: { perThreshold: r.perThreshold, authorsPerThreshold: r.authors?.perThreshold } };
}

/** `0.812 (95 % interval 0.775 … 0.846)` */
export function formatScored(s: Scored): string {
  const v = Number.isNaN(s.value) ? 'n/a' : s.value.toFixed(4);
  const i =
    s.interval && !Number.isNaN(s.interval.low)
      ? ` (${Math.round(s.interval.level * 100)} % interval ${s.interval.low.toFixed(4)} … ${s.interval.high.toFixed(4)})`
      : '';
  return `${s.name}: ${v}${i}`;
}

/** The metrics as printed lines. */
export function formatTestMetrics(m: TestMetrics, label: string): string[] {
  const lines = [`${label} (${m.images} images):`];
  for (const s of m.metrics) {
    lines.push(`  ${formatScored(s)}`);
    if (s.note) lines.push(`      ${s.note}`);
  }
  return lines;
}
