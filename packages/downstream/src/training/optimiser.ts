import { AdamW, cosineWithWarmup, type AdamWOptions, type Parameter } from '@ecamp/core';

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

/** The AdamW options of `settings` (betas default [0.9, 0.999], weight decay 0.05). */
export function adamWOptions(settings: OptimiserSettings): AdamWOptions {
  if (!(settings.lr > 0)) throw new Error(`optimiser.lr must be > 0, got ${settings.lr}`);
  return { lr: settings.lr, betas: settings.betas ?? [0.9, 0.999], weightDecay: settings.weightDecay ?? 0.05 };
}

/**
 * The step → learning-rate function for `epochs` epochs. Without
 * `stepsPerEpoch` the warm-up is (step + 1)/(warmup + 1)·lr (never 0, so
 * step 0 already learns) and the rate then stays constant; with it, a
 * half-cosine to `minLr` over all steps follows the warm-up.
 */
export function learningRateSchedule(settings: OptimiserSettings, epochs: number): (step: number) => number {
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`epochs must be a non-negative integer, got ${epochs}`);
  const warmupSteps = settings.warmupSteps ?? 0;
  return settings.stepsPerEpoch
    ? cosineWithWarmup({
        baseLr: settings.lr,
        warmupSteps,
        totalSteps: Math.max(warmupSteps, 1, settings.stepsPerEpoch * epochs),
        minLr: settings.minLr,
      })
    : (step: number) => (step < warmupSteps ? (settings.lr * (step + 1)) / (warmupSteps + 1) : settings.lr);
}

/** An AdamW over `params` with {@link adamWOptions} and the {@link learningRateSchedule} for `epochs` epochs. */
export function createOptimiser(params: Parameter[], settings: OptimiserSettings, epochs: number): { optimiser: AdamW; lrAt: (step: number) => number } {
  const options = adamWOptions(settings);
  const lrAt = learningRateSchedule(settings, epochs);
  return { optimiser: new AdamW(params, options), lrAt };
}
