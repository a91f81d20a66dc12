import { shouldStopAfterEpoch, type EpochEndHook } from './epoch-hook.js';

/** What one optimiser step reports to {@link runTrainingLoop}. */
export interface LoopStepReport {
  loss: number;
  /** False when the non-finite guard skipped the update. */
  applied: boolean;
}

/** Options of {@link runTrainingLoop}. */
export interface TrainingLoopOptions<B> {
  epochs: number;
  /** The batches of 0-based epoch `epoch`. */
  batchesOf: (epoch: number) => Iterable<B> | AsyncIterable<B>;
  /** One optimiser step on `batch` (global 0-based `step`); reports progress itself. */
  step: (batch: B, step: number, epoch: number) => LoopStepReport;
  /** Frees what a batch holds; called after its step, also when the step throws. */
  release?: (batch: B) => void;
  /** Called after every epoch; `'stop'` ends training early. */
  onEpochEnd?: EpochEndHook;
  /** Its state is freed when the loop throws, before the error leaves. */
  optimiser: { dispose(): void };
}

/** What {@link runTrainingLoop} did. */
export interface TrainingLoopResult {
  /** Optimiser steps applied. */
  steps: number;
  /** Steps skipped by the non-finite guard. */
  skipped: number;
  /** Epochs completed (fewer than asked when `onEpochEnd` stopped early). */
  epochsRun: number;
  /** Loss per step, in order. */
  losses: number[];
}

/**
 * The epoch/step skeleton every downstream fit shares: batches per epoch, one
 * step each, batch release in `finally`, the epoch-end hook, step and skip
 * counts, and the optimiser freed if anything throws.
 */
export async function runTrainingLoop<B>(options: TrainingLoopOptions<B>): Promise<TrainingLoopResult> {
  const losses: number[] = [];
  let step = 0;
  let skipped = 0;
  let epochsRun = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for await (const batch of options.batchesOf(epoch)) {
        try {
          const report = options.step(batch, step, epoch);
          losses.push(report.loss);
          if (!report.applied) skipped++;
        } finally {
          options.release?.(batch);
        }
        step++;
      }
      epochsRun = epoch + 1;
      if (await shouldStopAfterEpoch(options.onEpochEnd, epoch)) break;
    }
  } catch (error) {
    options.optimiser.dispose();
    throw error;
  }
  return { steps: step - skipped, skipped, epochsRun, losses };
}
