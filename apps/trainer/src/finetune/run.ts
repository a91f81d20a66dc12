/**
 * `ecamp finetune` and `ecamp eval`: an encoder, a user's data and the authors' protocol in,
 * a trained head (best validation epoch, saved atomically), JSONL metrics, and test metrics
 * with bootstrap intervals out.
 */
import { basename, dirname, resolve } from 'node:path';
import { Rng, tf } from '@ecamp/core';
import { BadSampleLog } from '@ecamp/data';
import {
  ClassificationHead,
  evaluateClassification,
  evaluateDetection,
  evaluateSegmentation,
  featureStatistics,
  fitClassifier,
  fitDetector,
  fitSegmenter,
  SegmentationDecoder,
  withoutFinalNorm,
  type EpochEndHook,
  type FeatureEncoder,
  type OptimiserSettings,
  type StepProgress,
} from '@ecamp/downstream';
import { createVit, type VisionTransformer } from '@ecamp/vision';
import { CachedTokenEncoder } from '../evaluate/cached-encoder.js';
import type { Logger } from '../run/logger.js';
import { RunDir } from '../run/run-dir.js';
import { encodeSet, imagesTensor, labelValues, masksTensor, pooledRows, rowBatches, rowIndexImages, SampleSet, type EncodedSet } from './batches.js';
import { loadFinetuneData, readSource, resolveLabels, type LabelSpace, type Sample } from './data.js';
import { loadFinetuneEncoder, type EncoderInfo } from './encoder.js';
import { buildHead, headSpec, readFinetuneCheckpoint, saveFinetuneCheckpoint, type CheckpointMeta, type HeadSpec, type TaskHead } from './heads.js';
import type { DecodeSettings } from './images.js';
import { augmentationOn, encoderTrains, FinetuneOptionError, type EvalOptions, type FinetuneOptions, type FinetuneTask } from './options.js';
import { classificationScores, detectionScores, formatTestMetrics, segmentationScores, type TestMetrics } from './score.js';

/** What a fine-tuning run wrote and scored (`summary.json`). */
export interface FinetuneSummary {
  task: FinetuneTask;
  protocol: FinetuneOptions['protocol'];
  encoder: EncoderInfo;
  head: HeadSpec;
  data: { train: number; val: number; test: number; format: string; notes: string[]; skipped: Record<string, number> };
  training: { epochs: number; steps: number; skippedSteps: number; stoppedEarly: boolean; seconds: number; finalLoss: number };
  selected: CheckpointMeta['selected'];
  selectedEpoch: number;
  validation?: { metric: string; value: number };
  test: TestMetrics;
  checkpoint: string;
}

/** Everything a task needs to train and score, built once per run. */
interface Context {
  task: FinetuneTask;
  spec: HeadSpec;
  vit: VisionTransformer;
  /** The encoder the heads read (the ViT, with or without its final norm). */
  encoder: FeatureEncoder;
  head: TaskHead;
  labels?: LabelSpace;
  /** Whether the encoder trains. */
  trainEncoder: boolean;
  /** Whether every image is encoded once (frozen encoder, no augmentation). */
  cached: boolean;
  batchSize: number;
  seed: number;
}

/** The context of a head of `spec` on `vit` (its tokens with or without the final norm, as `spec` says). */
function finetuneContext(
  spec: HeadSpec,
  vit: VisionTransformer,
  head: TaskHead,
  run: Pick<Context, 'trainEncoder' | 'cached' | 'batchSize' | 'seed'>,
): Context {
  return { task: spec.task, spec, vit, encoder: spec.finalNorm ? vit : withoutFinalNorm(vit), head, labels: spec.labels, ...run };
}

/** How test-time images are decoded for each task (the authors' test transforms). */
function evalSettings(task: FinetuneTask, spec: Pick<HeadSpec, 'imageSize' | 'colour'>): DecodeSettings {
  return { size: spec.imageSize, colour: spec.colour, transform: task === 'classification' ? 'centre-crop' : 'resize' };
}

/** The name of the metric that selects the epoch, and whether a tie counts as an improvement (the authors': ≥, except accuracy). */
function selectionRule(task: FinetuneTask, labels?: LabelSpace): { metric: string; tieImproves: boolean } {
  if (task === 'classification')
    return labels?.mode === 'single-label' ? { metric: 'accuracy', tieImproves: false } : { metric: 'mean AUROC', tieImproves: true };
  return task === 'segmentation' ? { metric: 'Dice', tieImproves: true } : { metric: 'mAP (ours)', tieImproves: true };
}

/** Scores `set` (a split) with the current weights: cached tokens when given, else decoded images. */
async function scoreSplit(ctx: Context, set: SampleSet, encoded: EncodedSet | undefined, resamples: number): Promise<TestMetrics> {
  const { task, head, batchSize } = ctx;
  const size = ctx.spec.imageSize;
  const settings = evalSettings(task, ctx.spec);
  const encoder: FeatureEncoder = encoded ? new CachedTokenEncoder(encoded.cache, ctx.encoder.numPrefixTokens ?? 1) : ctx.encoder;
  const rowsOf = encoded ? rowBatches(encoded.cache.count, 32) : [];
  if (task === 'classification') {
    const labels = ctx.labels!;
    const taskName = labels.mode === 'single-label' ? 'multi-class' : 'multi-label';
    const batches = encoded
      ? lazyMap(rowsOf, (rows) => ({
          images: rowIndexImages(rows),
          labels: labelValues(
            rows.map((r) => set.samples[encoded.indices[r]]),
            labels,
          ),
        }))
      : mapAsync(set.batches(batchSize, settings, ctx.seed, 0), (b) => ({
          images: imagesTensor(b, size),
          labels: labelValues(
            b.indices.map((i) => set.samples[i]),
            labels,
          ),
        }));
    const r = await evaluateClassification({ encoder, head: head as ClassificationHead, task: taskName, batches: lazy(batches) });
    return classificationScores(r, labels.mode, labels.numClasses, resamples, ctx.seed);
  }
  if (task === 'segmentation') {
    const positive: boolean[] = [];
    const batches = encoded
      ? lazyMap(rowsOf, (rows) => ({
          images: rowIndexImages(rows),
          masks: masksTensor(
            rows.map((r) => encoded.masks![r]),
            size,
          ),
        }))
      : mapAsync(set.batches(batchSize, settings, ctx.seed, 0), (b) => ({
          images: imagesTensor(b, size),
          masks: masksTensor(
            b.samples.map((s) => s.mask!),
            size,
          ),
        }));
    const track = async function* () {
      for await (const b of lazy(batches)) {
        const m = b.masks.dataSync();
        const plane = size * size;
        for (let k = 0; k < b.masks.shape[0]; k++) positive.push(m.subarray(k * plane, (k + 1) * plane).some((v) => v > 0));
        yield b;
      }
    };
    const r = await evaluateSegmentation({ encoder, decoder: head as SegmentationDecoder, batches: track() });
    return segmentationScores(r, positive, resamples, ctx.seed);
  }
  const batches = encoded
    ? lazyMap(rowsOf, (rows) => ({ images: rowIndexImages(rows), boxes: rows.map((r) => encoded.boxes?.[r] ?? []) }))
    : mapAsync(set.batches(batchSize, settings, ctx.seed, 0), (b) => ({ images: imagesTensor(b, size), boxes: b.samples.map((s) => s.boxes ?? []) }));
  const r = await evaluateDetection({ encoder, head: head as Extract<TaskHead, { config: unknown }>, batches: lazy(batches), authors: true });
  return detectionScores(r, resamples, ctx.seed);
}

/** Boxes of a cached set: every row has its list (possibly empty). */
function cachedBoxes(encoded: EncodedSet): EncodedSet {
  return { ...encoded, boxes: encoded.boxes ?? encoded.indices.map(() => []) };
}

async function* mapAsync<T, U>(source: AsyncIterable<T>, f: (t: T) => U): AsyncGenerator<U> {
  for await (const t of source) yield f(t);
}

/** `make` applied to each item only when the consumer asks for it: one batch's tensors alive at a time. */
function* lazyMap<T, U>(items: Iterable<T>, make: (t: T) => U): Generator<U> {
  for (const t of items) yield make(t);
}

/** Any iterable of batches as an async generator. */
async function* lazy<T>(batches: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  for await (const b of batches) yield b;
}

/** Writes a run's lines to stdout. */
function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs `ecamp finetune`: trains, keeps the best epoch, scores the test data; returns the summary (also `summary.json`). */
export async function runFinetune(options: FinetuneOptions, log: Logger): Promise<FinetuneSummary> {
  const started = performance.now();
  const runDir = new RunDir(dirname(resolve(options.out)), basename(resolve(options.out)));
  runDir.writeJson('options.json', options);
  const badSamples = new BadSampleLog(options.onBadSample, (line: string) => log.warn(line));
  const data = loadFinetuneData(options, badSamples);
  for (const n of data.notes) log.info(n);
  const labels = options.task === 'classification' ? resolveLabels(options, [data.train, data.val, data.test]) : undefined;
  if (labels)
    log.info(
      `labels: ${labels.mode}, ${labels.numClasses} ${labels.mode === 'single-label' ? 'classes (softmax cross-entropy)' : 'labels (BCE)'} — ${labels.reason}`,
    );
  if (options.protocol === 'linear-probe' && options.augment === 'on')
    throw new FinetuneOptionError(
      '--augment on: the linear probe trains on features encoded once (MAE’s probe); use --protocol frozen to augment a frozen encoder',
    );
  const { vit, info } = loadFinetuneEncoder(options.encoder, { vit: options.vit, imageSize: options.imageSize, seed: options.seed });
  for (const n of info.notes) log.info(`encoder: ${n}`);
  const spec = headSpec(options, vit.embedDim, labels);
  const head = buildHead(spec, options.seed);
  const trainEncoder = encoderTrains(options);
  const augment = augmentationOn(options);
  const ctx = finetuneContext(spec, vit, head, { trainEncoder, cached: !trainEncoder && !augment, batchSize: options.batchSize, seed: options.seed });
  log.info(
    `${options.task}: protocol ${options.protocol} (encoder ${trainEncoder ? 'trains' : 'frozen'}), head ${head.constructor.name} ${(head.numParameters() / 1e6).toFixed(2)} M parameters, ` +
      `tokens ${options.finalNorm ? 'after the final norm' : 'of the last block (no final norm, as the authors)'}, ${options.colour === 'grey' ? 'grey → 3 channels' : 'RGB'} at ${options.imageSize} px, ` +
      `augmentation ${augment ? 'random-resized crop + flip' : 'none'}${ctx.cached ? ' — every image encoded once' : ''}`,
  );
  const sets = {
    train: new SampleSet('training data', data.train, badSamples),
    val: new SampleSet('validation data', data.val, badSamples),
    test: new SampleSet('test data', data.test, badSamples),
  };
  const checkpoint = runDir.path('checkpoints', 'head.safetensors');
  try {
    const encoded: Partial<Record<'train' | 'val' | 'test', EncodedSet>> = {};
    if (ctx.cached) {
      for (const split of ['train', 'val', 'test'] as const) {
        if (!sets[split].size) continue;
        const e = await encodeSet(sets[split], ctx.encoder, evalSettings(options.task, spec), options.batchSize, options.seed, (done, total) =>
          log.progress(done, total, `encoding ${sets[split].name}`),
        );
        encoded[split] = options.task === 'detection' ? cachedBoxes(e) : e;
      }
    }
    const trainCount = encoded.train?.cache.count ?? sets.train.size;
    const stepsPerEpoch = Math.ceil(trainCount / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    const optimiser: OptimiserSettings = {
      kind: options.optimizer,
      lr: options.lr,
      weightDecay: options.weightDecay,
      momentum: options.momentum,
      warmupSteps: Math.min(options.warmup, Math.floor(totalSteps / 10)),
      stepsPerEpoch,
      schedule: 'authors',
      maxGradNorm: options.clip,
    };
    log.info(
      `training on ${trainCount} images for up to ${options.epochs} epochs (${stepsPerEpoch} steps each, batch ${options.batchSize}): ${options.optimizer === 'sgd' ? `SGD momentum ${options.momentum}` : 'AdamW'}, ` +
        `lr ${options.lr}, weight decay ${options.weightDecay}, warm-up ${optimiser.warmupSteps} steps then cosine (the authors' WarmupCosineSchedule), clip ${options.clip}` +
        `${options.layerDecay ? `, layer decay ${options.layerDecay}` : ''}; ${sets.val.size ? `early stopping after ${options.patience} epochs without a better validation ${selectionRule(options.task, labels).metric}` : 'no validation data: the last epoch is kept'}`,
    );

    // Epoch end: validation, best checkpoint (atomic), early stopping.
    const rule = selectionRule(options.task, labels);
    let best = Number.NEGATIVE_INFINITY;
    let bestEpoch = 0;
    let sinceBest = 0;
    let stoppedEarly = false;
    let lastLoss = Number.NaN;
    const meta = (epoch: number, selected: CheckpointMeta['selected'], value?: number): CheckpointMeta => ({
      format: 'ecamp-finetune-1',
      head: spec,
      encoder: info,
      encoderWeights: trainEncoder,
      selected,
      epoch,
      validation: value === undefined ? undefined : { metric: rule.metric, value },
    });
    const onEpochEnd: EpochEndHook = async (epoch) => {
      if (!sets.val.size) {
        runDir.appendMetrics({ type: 'epoch', epoch: epoch + 1, loss: lastLoss });
        return undefined;
      }
      const scored = await scoreSplit(ctx, sets.val, encoded.val, 1);
      const value = scored.metrics[0].value;
      const improved = !Number.isNaN(value) && (value > best || (rule.tieImproves && value === best));
      if (improved) {
        best = value;
        bestEpoch = epoch + 1;
        sinceBest = 0;
        saveFinetuneCheckpoint(checkpoint, head, vit, meta(epoch + 1, 'best-validation', value));
      } else sinceBest++;
      runDir.appendMetrics({ type: 'validation', epoch: epoch + 1, metric: rule.metric, value, best, bestEpoch, sinceBest });
      log.info(
        `epoch ${epoch + 1}: validation ${rule.metric} ${value.toFixed(4)}${improved ? ' (best so far, saved)' : ` (best ${best.toFixed(4)} at epoch ${bestEpoch}; ${sinceBest}/${options.patience} without improvement)`}`,
      );
      // The scoring put everything in evaluation mode; the next epoch trains again.
      head.train(true);
      ctx.encoder.train?.(trainEncoder);
      if (sinceBest >= options.patience) {
        stoppedEarly = true;
        log.info(`stopping early: ${options.patience} epochs without a better validation ${rule.metric}`);
        return 'stop';
      }
      return undefined;
    };
    const progressEvery = Math.max(1, Math.floor(stepsPerEpoch / 4));
    const onProgress = (p: StepProgress) => {
      lastLoss = p.loss;
      runDir.appendMetrics({
        type: 'step',
        epoch: p.epoch + 1,
        step: p.step + 1,
        loss: p.loss,
        lr: p.lr,
        gradNorm: p.gradNorm,
        applied: p.applied,
        tensors: tf.memory().numTensors,
      });
      if ((p.step + 1) % progressEvery === 0 || (p.step + 1) % stepsPerEpoch === 0)
        log.progress(p.step + 1, totalSteps, `epoch ${p.epoch + 1} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)}`);
    };
    const rng = new Rng(options.seed).fork('finetune');
    const trainSettings: DecodeSettings = {
      ...evalSettings(options.task, spec),
      transform: augment ? 'train-crop' : options.task === 'classification' ? 'centre-crop' : 'resize',
    };
    const shuffled = (r: Rng, n: number) => r.shuffle(Array.from({ length: n }, (_, i) => i));
    const live =
      <T>(make: (b: Awaited<ReturnType<SampleSet['decode']>>) => T) =>
      (epoch: number, r: Rng) =>
        mapAsync(sets.train.batches(options.batchSize, trainSettings, options.seed, epoch, shuffled(r, sets.train.size)), make);
    const fromCache =
      <T>(make: (rows: number[]) => T) =>
      (_epoch: number, r: Rng) =>
        lazyMap(rowBatches(encoded.train!.cache.count, options.batchSize, shuffled(r, encoded.train!.cache.count)), make);
    const trainEncoderView: FeatureEncoder = ctx.cached ? new CachedTokenEncoder(encoded.train!.cache, ctx.encoder.numPrefixTokens ?? 1) : ctx.encoder;
    const size = spec.imageSize;
    // What every task's fit loop takes alike; each adds its head, its batches and how the encoder trains.
    const fitOptions = { encoder: trainEncoderView, epochs: options.epochs, optimiser, rng, onProgress, onEpochEnd };
    let fit: { steps: number; skipped: number; epochsRun: number; losses: number[]; dispose(): void };
    if (options.task === 'classification') {
      const ls = labels!;
      const classHead = head as ClassificationHead;
      if (classHead.featureNorm) {
        // MAE's probe: the classifier sees fc_norm(features) standardised with training-set statistics.
        const pooled = pooledRows(encoded.train!.cache, ctx.encoder);
        classHead.setFeatureStatistics(
          featureStatistics(
            { features: pooled, labels: new Float32Array(0), count: encoded.train!.cache.count, dim: vit.embedDim },
            (rows) => classHead.fcNorm.forward(rows) as tf.Tensor2D,
          ),
        );
      }
      fit = await fitClassifier({
        ...fitOptions,
        head: classHead,
        task: ls.mode === 'single-label' ? 'multi-class' : 'multi-label',
        protocol: trainEncoder ? 'finetune' : 'linear-probe',
        layerDecay: options.layerDecay,
        batches: ctx.cached
          ? fromCache((rows) => ({
              images: rowIndexImages(rows),
              labels: labelValues(
                rows.map((k) => data.train[encoded.train!.indices[k]]),
                ls,
              ),
            }))
          : live((b) => ({
              images: imagesTensor(b, size),
              labels: labelValues(
                b.indices.map((i) => data.train[i]),
                ls,
              ),
            })),
      });
    } else if (options.task === 'segmentation') {
      fit = await fitSegmenter({
        ...fitOptions,
        decoder: head as SegmentationDecoder,
        trainEncoder,
        batches: ctx.cached
          ? fromCache((rows) => ({
              images: rowIndexImages(rows),
              masks: masksTensor(
                rows.map((k) => encoded.train!.masks![k]),
                size,
              ),
            }))
          : live((b) => ({
              images: imagesTensor(b, size),
              masks: masksTensor(
                b.samples.map((s) => s.mask!),
                size,
              ),
            })),
      });
    } else {
      fit = await fitDetector({
        ...fitOptions,
        head: head as Extract<TaskHead, { config: unknown }>,
        trainEncoder,
        batches: ctx.cached
          ? fromCache((rows) => ({ images: rowIndexImages(rows), boxes: rows.map((k) => encoded.train!.boxes![k]) }))
          : live((b) => ({ images: imagesTensor(b, size), boxes: b.samples.map((s) => s.boxes ?? []) })),
      });
    }
    fit.dispose();

    // The weights to test: the best validation epoch, else the last one.
    let selected: CheckpointMeta['selected'] = 'best-validation';
    if (bestEpoch > 0) {
      const saved = readFinetuneCheckpoint(checkpoint);
      head.loadStateDict(saved.head, { strict: true });
      if (trainEncoder) vit.loadStateDict(saved.encoder, { strict: true });
      log.info(`testing the best validation epoch ${bestEpoch} (${rule.metric} ${best.toFixed(4)})`);
    } else {
      selected = 'last-epoch';
      saveFinetuneCheckpoint(checkpoint, head, vit, meta(fit.epochsRun, 'last-epoch'));
      log.info(sets.val.size ? `no validation epoch gave a defined ${rule.metric}: testing the last epoch` : 'testing the last epoch');
    }
    const test = await scoreSplit(ctx, sets.test, encoded.test, options.bootstrap);
    const seconds = (performance.now() - started) / 1000;
    const summary: FinetuneSummary = {
      task: options.task,
      protocol: options.protocol,
      encoder: info,
      head: spec,
      data: {
        train: data.train.length,
        val: data.val.length,
        test: data.test.length,
        format: data.format,
        notes: data.notes,
        skipped: badSamples.summary() as Record<string, number>,
      },
      training: { epochs: fit.epochsRun, steps: fit.steps, skippedSteps: fit.skipped, stoppedEarly, seconds, finalLoss: lastLoss },
      selected,
      selectedEpoch: selected === 'best-validation' ? bestEpoch : fit.epochsRun,
      validation: bestEpoch > 0 ? { metric: rule.metric, value: best } : undefined,
      test,
      checkpoint,
    };
    runDir.writeJson('summary.json', summary);
    runDir.appendMetrics({
      type: 'test',
      ...Object.fromEntries(test.metrics.map((m) => [m.name, { value: m.value, low: m.interval?.low, high: m.interval?.high }])),
    });
    print([
      ...formatTestMetrics(
        test,
        `test metrics of the ${selected === 'best-validation' ? `best validation epoch (${bestEpoch})` : `last epoch (${fit.epochsRun})`}, protocol ${options.protocol}`,
      ),
      `  encoder: ${info.source}; ${fit.epochsRun} epochs${stoppedEarly ? ' (stopped early)' : ''}, ${seconds.toFixed(0)} s; skipped samples: ${String(badSamples)}`,
      `  head: ${checkpoint}`,
    ]);
    return summary;
  } finally {
    head.dispose();
    vit.dispose();
  }
}

/** Runs `ecamp eval`: rebuilds the encoder and head of a fine-tuning checkpoint and scores `test`. */
export async function runEval(options: EvalOptions, log: Logger): Promise<TestMetrics> {
  const { meta, head: headState, encoder: encoderState } = readFinetuneCheckpoint(options.checkpoint);
  const spec = meta.head;
  let vit: VisionTransformer;
  if (meta.encoderWeights) {
    if (options.encoder) throw new FinetuneOptionError(`--encoder: ${options.checkpoint} holds its fine-tuned encoder; it cannot be swapped`);
    const c = meta.encoder.config;
    vit = createVit('tiny', { ...c, seed: 0 });
    vit.loadStateDict(encoderState, { strict: true });
    log.info(`encoder: the fine-tuned encoder stored in ${options.checkpoint}`);
  } else {
    const source = options.encoder ?? meta.encoder.source;
    vit = loadFinetuneEncoder(source, { vit: meta.encoder.preset ?? 'tiny', imageSize: spec.imageSize, seed: meta.encoder.seed ?? 0 }).vit;
    log.info(`encoder: ${source}${source === 'random' ? ` (preset ${meta.encoder.preset}, seed ${meta.encoder.seed})` : ''}, frozen`);
  }
  const head = buildHead(spec, 0);
  try {
    head.loadStateDict(headState, { strict: true });
    const badSamples = new BadSampleLog(options.onBadSample, (line: string) => log.warn(line));
    const samples: Sample[] = readSource(
      options.test,
      spec.task,
      { imageRoot: options.imageRoot, images: options.images, masks: options.masks },
      badSamples,
    ).samples;
    if (spec.task === 'classification') resolveLabelsAgainst(spec.labels!, samples);
    const ctx = finetuneContext(spec, vit, head, { trainEncoder: false, cached: false, batchSize: 16, seed: options.seed });
    const test = await scoreSplit(
      ctx,
      new SampleSet('test data', samples, badSamples),
      undefined,
      options.bootstrap ?? (spec.task === 'detection' ? 200 : 1000),
    );
    print([
      ...formatTestMetrics(test, `test metrics of ${options.checkpoint} (${meta.selected} ${meta.epoch}, protocol ${spec.protocol})`),
      `  skipped samples: ${String(badSamples)}`,
    ]);
    if (options.out) {
      const dir = new RunDir(dirname(resolve(options.out)), basename(resolve(options.out)));
      dir.writeJson('eval.json', { checkpoint: options.checkpoint, test: options.test, metrics: test, skipped: badSamples.summary() });
    }
    return test;
  } finally {
    head.dispose();
    vit.dispose();
  }
}

/** Checks a test list's labels against the head's label space (same mode and width). */
function resolveLabelsAgainst(space: LabelSpace, samples: Sample[]): void {
  const got = resolveLabels({ labels: space.mode, classes: space.numClasses }, [samples]);
  if (got.numClasses !== space.numClasses) throw new FinetuneOptionError(`the test list has ${got.numClasses} classes, the head ${space.numClasses}`);
}
