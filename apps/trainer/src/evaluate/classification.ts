/**
 * Classification evaluation of a pre-trained encoder (method.md §8): a head of
 * mean-pooled patch tokens → LayerNorm → Linear, trained by linear probing
 * (frozen encoder) or fine-tuning on the training list, scored by AUROC on the
 * test list. Optionally the same protocol on a randomly initialised encoder,
 * so the report shows what pre-training bought.
 */
import { Rng, readSafetensors, tf } from '@ecamp/core';
import { Loader, type BadSampleLog, type ClassificationRecord, type PretrainRecord } from '@ecamp/data';
import {
  ClassificationHead,
  bootstrapMeanAurocOverDraws,
  evaluateClassification,
  evaluatePooledFeatures,
  extractPooledFeatures,
  fitClassifier,
  fitLinearProbe,
  selectFraction,
  solveLinearProbe,
  type BootstrapInterval,
  type ClassificationBatch,
  type ClassificationEvaluation,
  type FeatureEncoder,
  type FitClassifierResult,
  type PooledFeatures,
} from '@ecamp/downstream';
import { createVit, type VisionTransformer } from '@ecamp/vision';
import type { Config } from '../config/schema.js';
import { encoderOverrides } from '../pretrain/model.js';
import type { Logger } from '../run/logger.js';

/** Scores of one encoder. */
export interface ClassificationScores {
  /** `warm-start`: the MAE stage of `model.warmStart` alone. */
  encoder: 'pretrained' | 'warm-start' | 'scratch';
  protocol: Config['evaluate']['protocol'];
  auroc: number;
  /** Percentile bootstrap interval of `auroc` over the test images. */
  aurocInterval: BootstrapInterval;
  perLabelAuroc: number[];
  accuracy: number;
  trainImages: number;
  testImages: number;
  finalTrainLoss: number;
  /** Label draws the scores are means over (`evaluate.draws`; 1: one subset). */
  draws?: number;
  /** Each draw's mean AUROC (when more than one). */
  drawAuroc?: number[];
}

/** The test-set predictions behind a {@link ClassificationScores} (for paired comparisons). */
export interface ClassificationPredictions {
  /** Per label draw, [N, C] row-major probabilities. */
  draws: Float32Array[];
  /** [N, C] row-major 0/1. */
  targets: Float32Array;
  numLabels: number;
}

/** Builds the configured ViT and, when given, loads encoder weights (timm names) strictly. */
export function loadEncoder(config: Config, weightsPath?: string): VisionTransformer {
  const vit = createVit(config.model.vit, {
    ...encoderOverrides(config),
    imageSize: config.model.imageSize,
    patchSize: config.model.patchSize,
    seed: config.seed,
  });
  if (weightsPath) {
    const { tensors } = readSafetensors(weightsPath);
    try {
      vit.loadStateDict(tensors, { strict: true });
    } catch (e) {
      vit.dispose();
      throw new Error(`${weightsPath}: not an encoder of preset '${config.model.vit}': ${(e as Error).message}`);
    }
  }
  return vit;
}

function asRecords(list: ClassificationRecord[]): PretrainRecord[] {
  return list.map((r, n) => ({ id: `${n}`, imagePath: r.imagePath, report: '', labels: r.labels, origin: r.origin }));
}

/** One pass over `records` at the downstream resolution as classification batches (tensors owned by the consumer). */
async function* classificationBatches(
  records: PretrainRecord[],
  config: Config,
  seed: number,
  shuffle: boolean,
  badSamples: BadSampleLog,
): AsyncGenerator<ClassificationBatch> {
  const size = config.model.imageSize;
  const loader = new Loader({ records, batchSize: config.evaluate.batchSize, seed, size, mode: 'downstream', shuffle, dropLast: false, epochs: 1, badSamples });
  for await (const b of loader) {
    yield { images: tf.tensor4d(b.images, [b.size, size, size, 3]), labels: b.labels!.flat() };
  }
}

/**
 * Trains a classification head on `lists.train` (a seeded `evaluate.trainFraction` of it) with
 * `vit` frozen (linear probe, features encoded once) or fine-tuned, and scores it on
 * `lists.test`. With `evaluate.draws` > 1 (linear probe) the head is trained once per label
 * subset (draw k: seed + k) and the scores are means over draws; the test predictions of every
 * draw are returned for paired comparisons draw by draw.
 */
export async function evaluateClassifier(
  config: Config,
  encoderKind: ClassificationScores['encoder'],
  vit: VisionTransformer,
  lists: { train: ClassificationRecord[]; test: ClassificationRecord[] },
  badSamples: BadSampleLog,
  log: Logger,
): Promise<{ scores: ClassificationScores; predictions: ClassificationPredictions }> {
  const rng = new Rng(config.seed).fork(`evaluate:${encoderKind}`);
  const numLabels = lists.train[0]?.labels.length;
  if (!numLabels) throw new Error('evaluate: the training list is empty');
  const { draws } = config.evaluate;
  const test = asRecords(lists.test);
  const encoder: FeatureEncoder = vit;
  const linearProbe = config.evaluate.protocol === 'linear-probe';
  // The encoder is frozen for the probe: every image is encoded once (the test images once for all draws).
  const features = (records: PretrainRecord[]) =>
    extractPooledFeatures({
      encoder,
      batches: classificationBatches(records, config, config.seed, false, badSamples),
      task: 'multi-label',
      numClasses: numLabels,
    });
  let testFeatures: PooledFeatures | undefined;
  const results: ClassificationEvaluation[] = [];
  let trainImages = 0;
  let last = Number.NaN;
  for (let d = 0; d < draws; d++) {
    // Draw 0 is the single draw of earlier versions (same subset, same streams).
    const drawRng = d === 0 ? rng : rng.fork(`draw-${d}`);
    const train = asRecords(selectFraction(lists.train, config.evaluate.trainFraction, config.seed + d));
    trainImages = train.length;
    const head = new ClassificationHead(vit.embedDim, numLabels, { rng: drawRng.fork('head'), featureNorm: linearProbe && config.evaluate.featureNorm });
    const stepsPerEpoch = Math.ceil(train.length / config.evaluate.batchSize);
    const total = stepsPerEpoch * config.evaluate.epochs;
    const optimiser = { lr: config.evaluate.lr, weightDecay: 0.05, stepsPerEpoch, warmupSteps: Math.min(5, stepsPerEpoch) };
    const what = `${encoderKind} ${config.evaluate.protocol}${draws > 1 ? ` (label draw ${d + 1} of ${draws})` : ''}`;
    const onProgress = (p: { step: number; epoch: number; loss: number }) => {
      last = p.loss;
      if ((p.step + 1) % stepsPerEpoch === 0) log.progress(p.step + 1, total, `${what}: epoch ${p.epoch + 1} loss ${p.loss.toFixed(4)}`);
    };
    let fit: FitClassifierResult | undefined;
    try {
      if (linearProbe && config.evaluate.probeSolver === 'lbfgs') {
        const solved = solveLinearProbe({ head, data: await features(train), task: 'multi-label', l2: config.evaluate.probeL2 });
        last = solved.trainLoss;
        log.progress(
          d + 1,
          draws,
          `${what}: solved in ${solved.iterations} L-BFGS iterations, training loss ${solved.trainLoss.toFixed(4)}${solved.converged ? '' : ` (not converged: largest gradient ${solved.gradientMax.toExponential(1)})`}`,
        );
        testFeatures ??= await features(test);
        results.push(evaluatePooledFeatures(head, testFeatures, 'multi-label'));
      } else if (linearProbe) {
        fit = await fitLinearProbe({
          head,
          data: await features(train),
          task: 'multi-label',
          epochs: config.evaluate.epochs,
          batchSize: config.evaluate.batchSize,
          optimiser,
          rng: drawRng,
          onProgress,
        });
        testFeatures ??= await features(test);
        results.push(evaluatePooledFeatures(head, testFeatures, 'multi-label'));
      } else {
        fit = await fitClassifier({
          encoder,
          head,
          batches: (epoch) => classificationBatches(train, config, config.seed + 1000 * (epoch + 1), true, badSamples),
          epochs: config.evaluate.epochs,
          task: 'multi-label',
          protocol: config.evaluate.protocol,
          optimiser,
          rng: drawRng,
          onProgress,
        });
        results.push(
          await evaluateClassification({ encoder, head, batches: classificationBatches(test, config, config.seed, false, badSamples), task: 'multi-label' }),
        );
      }
    } finally {
      fit?.dispose();
      head.dispose();
    }
  }
  const drawScores = results.map((r) => r.scores);
  const { targets, count } = results[0];
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    scores: {
      encoder: encoderKind,
      protocol: config.evaluate.protocol,
      auroc: mean(results.map((r) => r.auroc)),
      aurocInterval: bootstrapMeanAurocOverDraws(drawScores, targets, numLabels, { resamples: config.evaluate.bootstrap, seed: config.seed }),
      perLabelAuroc: results[0].perLabelAuroc.map((_, c) => mean(results.map((r) => r.perLabelAuroc[c]))),
      accuracy: mean(results.map((r) => r.accuracy)),
      trainImages,
      testImages: count,
      finalTrainLoss: last,
      draws,
      ...(draws > 1 ? { drawAuroc: results.map((r) => r.auroc) } : {}),
    },
    predictions: { draws: drawScores, targets, numLabels },
  };
}
