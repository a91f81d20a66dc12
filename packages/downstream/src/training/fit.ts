import type { Parameter, Rng, tf } from '@ecamp/core';
import type { FeatureEncoder } from '../encoder.js';
import type { EpochEndHook } from './epoch-hook.js';
import { groupedTrainStep } from './layer-decay.js';
import { runTrainingLoop, type TrainingLoopResult } from './loop.js';
import { createDownstreamOptimiser, learningRateSchedule, type DownstreamOptimiser, type OptimiserSettings } from './optimiser.js';
import type { StepProgress } from './progress.js';

/** What `fitClassifier`, `fitSegmenter` and `fitDetector` return. */
export interface DownstreamFitResult extends TrainingLoopResult {
  /** The optimiser (its state stays allocated; call `dispose()` on the result to free it). */
  optimiser: DownstreamOptimiser;
  /** Free the optimiser state. */
  dispose(): void;
}

/** What a fit prepares for one batch before its optimiser step. */
export interface PreparedStep<X> {
  /** The loss, run on the gradient tape over the trainable parameters. */
  loss: () => tf.Scalar;
  /** Inputs computed outside the tape for this step (frozen-encoder features); freed after the step. */
  frozen?: tf.Tensor | null;
  /** Fields added to this step's progress report after the {@link StepProgress} ones. */
  progress?: X;
}

/** The head's (or decoder's) trainable parameters, plus the encoder's as `encoder.<name>` when it trains too. */
export function headAndEncoderParameters(head: { namedParameters(): Parameter[] }, encoder: FeatureEncoder, trainEncoder: boolean): Parameter[] {
  const own = head.namedParameters().filter((p) => p.variable.trainable);
  if (!trainEncoder) return own;
  return [
    ...encoder
      .namedParameters()
      .filter((p) => p.variable.trainable)
      .map((p) => ({ ...p, name: `encoder.${p.name}` })),
    ...own,
  ];
}

/** The options `fitClassifier`, `fitSegmenter` and `fitDetector` share. */
export interface DownstreamFitOptions<B, P extends StepProgress = StepProgress> {
  /** The pre-trained vision encoder. */
  encoder: FeatureEncoder;
  /** Source of each epoch's batches; `rng` is a per-epoch stream for shuffling and augmentation. */
  batches: (epoch: number, rng: Rng) => Iterable<B> | AsyncIterable<B>;
  /** Number of passes. */
  epochs: number;
  /** Optimiser (AdamW by default, or SGD), schedule and gradient clipping. */
  optimiser: OptimiserSettings;
  /** Seeds the per-epoch batch streams (`rng.fork('epoch:<e>')`). */
  rng: Rng;
  /** Called after each step. */
  onProgress?: (progress: P) => void;
  /** Called after each epoch (validation, checkpoints); return `'stop'` to end early. */
  onEpochEnd?: EpochEndHook;
}

/** Options of {@link fitEncoderHead}. */
export interface FitEncoderHeadOptions<B, X> extends DownstreamFitOptions<B, StepProgress & X> {
  /** Whether the encoder trains (training mode, its parameters among `params`); default false: evaluation mode. */
  trainEncoder?: boolean;
  /** The head (or decoder); always in training mode. */
  head: { train(on?: boolean): unknown; namedParameters(): Parameter[] };
  /** The parameters the optimiser updates (default {@link headAndEncoderParameters}). */
  params?: Parameter[];
  /** Per-parameter learning-rate scale (layer-wise decay); default none. */
  scaleOf?: (name: string) => number;
  /** Frees what a batch holds, after its step (also when it throws). */
  release: (batch: B) => void;
  /** Checks one batch and builds its step's loss (see {@link PreparedStep}). */
  prepare: (batch: B) => PreparedStep<X>;
}

/**
 * The training run the encoder-plus-head fits share: the optimiser (AdamW or SGD, optionally
 * layer-scaled) and learning-rate schedule from `settings`, training modes, and per batch one
 * {@link groupedTrainStep} with `settings.maxGradNorm`, a progress report, and the frozen
 * inputs freed — on {@link runTrainingLoop}'s epoch skeleton.
 */
export async function fitEncoderHead<B, X extends object = object>(options: FitEncoderHeadOptions<B, X>): Promise<DownstreamFitResult> {
  const { encoder, head, optimiser: settings, rng, batches, prepare, onProgress } = options;
  const trainEncoder = options.trainEncoder ?? false;
  const params = options.params ?? headAndEncoderParameters(head, encoder, trainEncoder);
  const optimiser = createDownstreamOptimiser(params, settings, options.scaleOf);
  const lrAt = learningRateSchedule(settings, options.epochs);
  encoder.train?.(trainEncoder);
  head.train(true);
  const run = await runTrainingLoop({
    epochs: options.epochs,
    optimiser,
    onEpochEnd: options.onEpochEnd,
    batchesOf: (epoch) => batches(epoch, rng.fork(`epoch:${epoch}`)),
    release: options.release,
    step: (batch, step, epoch) => {
      const prepared = prepare(batch);
      try {
        const lr = lrAt(step);
        const report = groupedTrainStep(params, prepared.loss, optimiser, lr, settings.maxGradNorm);
        onProgress?.({ epoch, step, loss: report.loss, lr, gradNorm: report.gradNorm, applied: report.applied, ...(prepared.progress as X) });
        return report;
      } finally {
        prepared.frozen?.dispose();
      }
    },
  });
  return { ...run, optimiser, dispose: () => optimiser.dispose() };
}
