import { AdamW, cosineWithWarmup, type AdamWOptions, type NamedGrads, type Parameter, type StepReport } from '@ecamp/core';
import { GroupedAdamW } from './layer-decay.js';
import { Sgd } from './sgd.js';

/** Optimiser and learning-rate schedule settings shared by the downstream training loops. */
export interface OptimiserSettings {
  /**
   * `adamw` (default): decoupled weight decay, betas below. `sgd`: `torch.optim.SGD` with
   * momentum (the authors' classification fine-tuning: momentum 0.9, weight decay 0).
   */
  kind?: 'adamw' | 'sgd';
  /** Peak learning rate. */
  lr: number;
  /**
   * AdamW: decoupled weight decay (default 0.05). SGD: coupled L2 decay added to the gradient
   * (default 0). Never on biases and norm weights.
   */
  weightDecay?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Adam betas (default [0.9, 0.999], the usual fine-tuning choice). */
  betas?: [number, number];
  /** Linear warm-up steps (default 0). */
  warmupSteps?: number;
  /** With `stepsPerEpoch` set the rate follows a half-cosine to `minLr` over all epochs; otherwise it stays at `lr` after warm-up. */
  stepsPerEpoch?: number;
  /**
   * `cosine` (default): the warm-up and half-cosine described at `stepsPerEpoch`.
   * `authors`: the authors' `WarmupCosineSchedule` (ViT-pytorch) stepped before each update,
   * so update k (0-based) runs at lr·λ(k + 1) with λ(s) = s/warmup during warm-up, then
   * ½(1 + cos(π·(s − warmup)/(total − warmup))) down to 0 at `totalSteps` (default
   * stepsPerEpoch·epochs; one of the two is required).
   */
  schedule?: 'cosine' | 'authors';
  /** Steps of the `authors` schedule's horizon (default stepsPerEpoch·epochs). */
  totalSteps?: number;
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
  if (settings.schedule === 'authors') return authorsSchedule(settings.lr, warmupSteps, settings.totalSteps ?? (settings.stepsPerEpoch ?? 0) * epochs);
  if (settings.schedule !== undefined && settings.schedule !== 'cosine') {
    throw new Error(`optimiser.schedule: unknown schedule '${String(settings.schedule)}' (use 'cosine' or 'authors')`);
  }
  return settings.stepsPerEpoch
    ? cosineWithWarmup({
        baseLr: settings.lr,
        warmupSteps,
        totalSteps: Math.max(warmupSteps, 1, settings.stepsPerEpoch * epochs),
        minLr: settings.minLr,
      })
    : (step: number) => (step < warmupSteps ? (settings.lr * (step + 1)) / (warmupSteps + 1) : settings.lr);
}

/**
 * The authors' `WarmupCosineSchedule` (their `utils/scheduler.py`, from ViT-pytorch) as they
 * step it — `scheduler.step()` before `optimizer.step()` — so the k-th update (0-based) uses
 * λ(k + 1): λ(s) = s / warmup while s < warmup, then max(0, ½(1 + cos(π·(s − warmup)/(total − warmup)))),
 * which stays 0 from `totalSteps` on.
 * @returns step (0-based update index) → learning rate
 */
export function authorsSchedule(lr: number, warmupSteps: number, totalSteps: number): (step: number) => number {
  if (!(totalSteps > 0) || !Number.isInteger(totalSteps)) {
    throw new Error(`authors schedule: totalSteps must be a positive integer (set optimiser.totalSteps or stepsPerEpoch), got ${totalSteps}`);
  }
  if (!(warmupSteps >= 0)) throw new Error(`authors schedule: warmupSteps must be ≥ 0, got ${warmupSteps}`);
  return (step: number) => {
    const s = step + 1;
    if (s < warmupSteps) return (lr * s) / Math.max(1, warmupSteps);
    // Clamped at the horizon (their cosine would rise again past it; their runs stop there).
    const progress = Math.min(1, (s - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
  };
}

/** What every downstream loop needs of an optimiser: `GroupedAdamW` and {@link Sgd} both are one. */
export interface DownstreamOptimiser {
  /** Every parameter it updates. */
  readonly params: Parameter[];
  /** Applied steps. */
  readonly stepCount: number;
  /** One update at base rate `lr`; `grads` keyed by dotted name, not consumed. */
  step(grads: NamedGrads, lr: number): StepReport;
  /** Free the optimiser state. */
  dispose(): void;
}

/**
 * The optimiser `settings.kind` names over `params`: `GroupedAdamW` (default) or {@link Sgd},
 * with an optional per-parameter learning-rate multiplier (layer-wise decay).
 */
export function createDownstreamOptimiser(params: Parameter[], settings: OptimiserSettings, scaleOf?: (name: string) => number): DownstreamOptimiser {
  const kind = settings.kind ?? 'adamw';
  if (kind === 'adamw') return new GroupedAdamW(params, adamWOptions(settings), scaleOf);
  if (kind !== 'sgd') throw new Error(`optimiser.kind: unknown optimiser '${String(kind)}' (use 'adamw' or 'sgd')`);
  if (!(settings.lr > 0)) throw new Error(`optimiser.lr must be > 0, got ${settings.lr}`);
  return new Sgd(params, { momentum: settings.momentum ?? 0.9, weightDecay: settings.weightDecay ?? 0 }, scaleOf);
}

/** An AdamW over `params` with {@link adamWOptions} and the {@link learningRateSchedule} for `epochs` epochs. */
export function createOptimiser(params: Parameter[], settings: OptimiserSettings, epochs: number): { optimiser: AdamW; lrAt: (step: number) => number } {
  const options = adamWOptions(settings);
  const lrAt = learningRateSchedule(settings, epochs);
  return { optimiser: new AdamW(params, options), lrAt };
}
