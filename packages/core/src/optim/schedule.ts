/** Options of {@link cosineWithWarmup}. */
export interface CosineScheduleOptions {
  /** Peak learning rate reached at the end of warm-up. */
  baseLr: number;
  /** Linear warm-up steps from 0 to baseLr. */
  warmupSteps: number;
  /** Total steps; the cosine reaches minLr here and stays there. */
  totalSteps: number;
  /** Floor of the cosine (default 0). */
  minLr?: number;
}

/**
 * MAE-style learning-rate schedule: linear warm-up lr·step/warmup, then half-cosine to minLr.
 * @returns step (0-based) → learning rate
 * @example const lrAt = cosineWithWarmup({ baseLr: 1.5e-4, warmupSteps: 100, totalSteps: 1000 });
 */
export function cosineWithWarmup(opts: CosineScheduleOptions): (step: number) => number {
  const { baseLr, warmupSteps, totalSteps } = opts;
  const minLr = opts.minLr ?? 0;
  if (!(totalSteps > 0) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new Error(`cosineWithWarmup: need 0 <= warmupSteps (${warmupSteps}) <= totalSteps (${totalSteps}), totalSteps > 0`);
  }
  return (step: number) => {
    if (step < warmupSteps) return (baseLr * step) / warmupSteps;
    if (step >= totalSteps) return minLr;
    const t = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}
