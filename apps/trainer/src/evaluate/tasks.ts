/**
 * The four downstream protocols on in-memory sets, as the evidence benchmark
 * runs them: linear probe (MAE's probe head on cached pooled tokens),
 * fine-tuning (encoder and head trained on the images), segmentation and
 * detection heads on a frozen encoder (cached tokens). Each returns its metric
 * on the test set; every random choice comes from the given seed.
 */
import { Rng } from '@ecamp/core';
import {
  ClassificationHead,
  DetectionHead,
  SegmentationDecoder,
  evaluateClassification,
  evaluateDetection,
  evaluatePooledFeatures,
  evaluateSegmentation,
  extractPooledFeatures,
  fitClassifier,
  fitDetector,
  fitLinearProbe,
  fitSegmenter,
  solveLinearProbe,
  yoloV3Config,
  type FeatureEncoder,
} from '@ecamp/downstream';
import { CachedTokenEncoder, rowIndexImages, type TokenCache } from './cached-encoder.js';
import { batchRows, imagesOf, labelsOf, masksOf, type MemorySet } from './memory-set.js';

/** A split for the frozen-encoder protocols: its images' cached encoder tokens and the set itself. */
export interface CachedSplit {
  cache: TokenCache;
  set: MemorySet;
}

/** Optimisation settings of one protocol. */
export interface TaskSettings {
  epochs: number;
  lr: number;
  batchSize: number;
  weightDecay: number;
}

/** The rows of each epoch, shuffled by `rng.fork('epoch:<e>')` (the downstream loops hand that stream over). */
function shuffled(n: number, batchSize: number, rng: Rng): number[][] {
  return batchRows(n, batchSize, rng.shuffle(Array.from({ length: n }, (_, i) => i)));
}

/** Maps row batches to tensors lazily: one batch's tensors exist at a time (the loops dispose them). */
function* lazily<T>(batches: number[][], make: (rows: number[]) => T): Generator<T> {
  for (const rows of batches) yield make(rows);
}

function optimiser(s: TaskSettings, n: number) {
  const stepsPerEpoch = Math.ceil(n / s.batchSize);
  return { lr: s.lr, weightDecay: s.weightDecay, stepsPerEpoch, warmupSteps: Math.min(10, stepsPerEpoch) };
}

/** What every fit loop takes alike: the epochs, the optimiser for `count` training rows, the stream, and each epoch's shuffled batches made by `make`. */
function fitLoop<T>(s: TaskSettings, count: number, rng: Rng, make: (rows: number[]) => T) {
  return { epochs: s.epochs, optimiser: optimiser(s, count), rng, batches: (_epoch: number, r: Rng) => lazily(shuffled(count, s.batchSize, r), make) };
}

/** Pooled features of every cached row (frozen encoder). */
async function pooled(cache: TokenCache, set: MemorySet) {
  const encoder = new CachedTokenEncoder(cache);
  const batches = lazily(batchRows(set.count, 256), (rows) => ({ images: rowIndexImages(rows), labels: labelsOf(set, rows) }));
  return extractPooledFeatures({ encoder, batches, task: 'multi-label', numClasses: set.numLabels });
}

/** How the probe's classifier is fitted: solved to convergence (`lbfgs`) or trained by minibatch AdamW (`adamw`). */
export interface ProbeSettings extends TaskSettings {
  solver?: 'lbfgs' | 'adamw';
  /** `lbfgs`: L2 strength (default 1/N, scikit-learn's C = 1). */
  l2?: number;
}

/**
 * Linear probe (MAE's head: fc_norm → training-set standardisation → linear) → mean AUROC and the
 * test scores. `lbfgs` (default) solves the L2 logistic regression to convergence (`epochs`, `lr`,
 * `batchSize` unused); `adamw` trains it for `epochs`.
 */
export async function linearProbe(train: CachedSplit, test: CachedSplit, s: ProbeSettings, seed: number) {
  const rng = new Rng(seed).fork('probe');
  const head = new ClassificationHead(train.cache.dim, train.set.numLabels, { rng: rng.fork('head'), featureNorm: true });
  const data = await pooled(train.cache, train.set);
  const solved = (s.solver ?? 'lbfgs') === 'lbfgs' ? solveLinearProbe({ head, data, task: 'multi-label', l2: s.l2 }) : undefined;
  const fit = solved
    ? undefined
    : await fitLinearProbe({ head, data, task: 'multi-label', epochs: s.epochs, batchSize: s.batchSize, optimiser: optimiser(s, train.set.count), rng });
  try {
    const r = evaluatePooledFeatures(head, await pooled(test.cache, test.set), 'multi-label');
    return {
      auroc: r.auroc,
      perLabelAuroc: r.perLabelAuroc,
      scores: r.scores,
      targets: r.targets,
      trainLoss: solved?.trainLoss ?? fit!.losses[fit!.losses.length - 1],
    };
  } finally {
    fit?.dispose();
    head.dispose();
  }
}

/**
 * Fine-tuning: encoder and head (the paper's fc_norm → linear) trained together with
 * layer-wise lr decay (0.75: MAE's fine-tuning recipe), no augmentation; the encoder is
 * modified in place (pass a fresh copy).
 */
export async function fineTune(encoder: FeatureEncoder, train: MemorySet, test: MemorySet, s: TaskSettings, seed: number, layerDecay = 0.75) {
  const rng = new Rng(seed).fork('finetune');
  const head = new ClassificationHead(encoder.embedDim, train.numLabels, { rng: rng.fork('head') });
  const fit = await fitClassifier({
    encoder,
    head,
    task: 'multi-label',
    protocol: 'finetune',
    layerDecay,
    ...fitLoop(s, train.count, rng, (rows) => ({ images: imagesOf(train, rows), labels: labelsOf(train, rows) })),
  });
  try {
    const r = await evaluateClassification({
      encoder,
      head,
      task: 'multi-label',
      batches: lazily(batchRows(test.count, 64), (rows) => ({ images: imagesOf(test, rows), labels: labelsOf(test, rows) })),
    });
    return { auroc: r.auroc, perLabelAuroc: r.perLabelAuroc };
  } finally {
    fit.dispose();
    head.dispose();
  }
}

/** Frozen-encoder segmentation (paper's decoder, narrower; 10·focal − log soft Dice) → per-image Dice at 0.5. */
export async function segmentation(train: CachedSplit, test: CachedSplit, s: TaskSettings & { channels: number[] }, seed: number) {
  const rng = new Rng(seed).fork('segmentation');
  const encoder = new CachedTokenEncoder(train.cache);
  const decoder = new SegmentationDecoder(train.cache.dim, { channels: s.channels, rng: rng.fork('decoder') });
  const fit = await fitSegmenter({
    encoder,
    decoder,
    ...fitLoop(s, train.set.count, rng, (rows) => ({ images: rowIndexImages(rows), masks: masksOf(train.set, rows) })),
  });
  try {
    const r = await evaluateSegmentation({
      encoder: new CachedTokenEncoder(test.cache),
      decoder,
      batches: lazily(batchRows(test.set.count, 32), (rows) => ({ images: rowIndexImages(rows), masks: masksOf(test.set, rows) })),
    });
    // The informative number: Dice on the test images that contain the finding (an empty
    // prediction on an empty image scores 1, so the all-image mean rewards predicting nothing).
    const plane = test.set.size * test.set.size;
    const positive: number[] = [];
    r.perImageDice[0].forEach((d, i) => {
      if (test.set.masks!.subarray(i * plane, (i + 1) * plane).some((v) => v > 0)) positive.push(d);
    });
    const dicePositive = positive.length ? positive.reduce((a, b) => a + b, 0) / positive.length : Number.NaN;
    return { dice: dicePositive, diceAllImages: r.dice, positiveImages: positive.length };
  } finally {
    fit.dispose();
    decoder.dispose();
  }
}

/** Frozen-encoder detection (YOLOv3 head at 28/14/7, one class) → mAP over IoU 0.40–0.75. */
export async function detection(train: CachedSplit, test: CachedSplit, s: TaskSettings & { channels: number }, seed: number) {
  const rng = new Rng(seed).fork('detection');
  const head = new DetectionHead(train.cache.dim, yoloV3Config(train.set.size, 1), { channels: s.channels, rng: rng.fork('head') });
  const fit = await fitDetector({
    encoder: new CachedTokenEncoder(train.cache),
    head,
    ...fitLoop(s, train.set.count, rng, (rows) => ({ images: rowIndexImages(rows), boxes: rows.map((k) => train.set.boxes![k]) })),
  });
  try {
    const r = await evaluateDetection({
      encoder: new CachedTokenEncoder(test.cache),
      head,
      batches: lazily(batchRows(test.set.count, 32), (rows) => ({ images: rowIndexImages(rows), boxes: rows.map((k) => test.set.boxes![k]) })),
    });
    return { map: r.map };
  } finally {
    fit.dispose();
    head.dispose();
  }
}
