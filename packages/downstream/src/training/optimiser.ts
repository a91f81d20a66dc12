import { AdamW, cosineWithWarmup, type Parameter } from '@ecamp/core';

/** AdamW and learning-rate schedule settings shared by the downstream training loops. */
export interface OptimiserSettings {
  /** Peak learning rate. */
  lr: number;
  /** Decoupled weight decay (default 0.05), never on biases and norm weights. */
  weightDecay?: number;
  /** Adam betas (default [0.9, 0.999], the usual fine-tuning choice). */
  betas?: [number, number];
  /** Linear warm-up steps (default 0). */
  warmupSteps?: number;
  /** With `stepsPerEpoch` set the rate follows a half-cosine to `minLr` over all epochs; otherwise it stays at `lr` after warm-up. */
  stepsPerEpoch?: number;
  /** Floor of the cosine (default 0). */
  minLr?: number;
  /** Clip the global gradient norm (default: no clipping). */
  maxGradNorm?: number;
}

/**
 * An AdamW over `params` and the step → learning-rate function for `epochs`
 * epochs. Without `stepsPerEpoch` the warm-up is (step + 1)/(warmup + 1)·lr
 * (never 0, so step 0 already learns) and the rate then stays constant.
 */
export function createOptimiser(params: Parameter[], settings: OptimiserSettings, epochs: number): { optimiser: AdamW; lrAt: (step: number) => number } {
  if (!(settings.lr > 0)) throw new Error(`optimiser.lr must be > 0, got ${settings.lr}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`epochs must be a non-negative integer, got ${epochs}`);
  const optimiser = new AdamW(params, {
    lr: settings.lr,
    betas: settings.betas ?? [0.9, 0.999],
    weightDecay: settings.weightDecay ?? 0.05,
  });
  const warmupSteps = settings.warmupSteps ?? 0;
  const lrAt = settings.stepsPerEpoch
    ? cosineWithWarmup({
        baseLr: settings.lr,
        warmupSteps,
        totalSteps: Math.max(warmupSteps, 1, settings.stepsPerEpoch * epochs),
        minLr: settings.minLr,
      })
    : (step: number) => (step < warmupSteps ? (settings.lr * (step + 1)) / (warmupSteps + 1) : settings.lr);
  return { optimiser, lrAt };
}
