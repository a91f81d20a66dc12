/**
 * The pre-training run length and learning-rate schedule, resolved from the
 * configuration and the number of pre-training pairs.
 */
import { cosineWithWarmup } from '@ecamp/core';
import type { Config } from '../config/schema.js';

/** The authors' warm-up: 40 of the 120 epochs the paper trains. */
export const AUTHORS_WARMUP_FRACTION = 40 / 120;
/** The authors' cosine horizon: a 200-epoch cosine stopped at epoch 120 (lr ends at ≈ 0.5 × peak). */
export const AUTHORS_HORIZON_FRACTION = 200 / 120;

/** A resolved schedule. */
export interface ResolvedSchedule {
  /** Optimiser steps of the run. */
  steps: number;
  /** Linear warm-up steps. */
  warmupSteps: number;
  /** Step at which the cosine would reach `minLr` (≥ steps). */
  horizonSteps: number;
  /** How `steps` was chosen, for the log. */
  explanation: string;
}

/**
 * Steps from `optim.epochs` (⌈epochs · pairs / (batch · accumulate)⌉) when set, else
 * `optim.steps`; warm-up and cosine horizon per `optim.schedule`.
 * @param pairs pre-training pairs (needed only with `optim.epochs`)
 */
export function resolveSchedule(config: Config, pairs?: number): ResolvedSchedule {
  const { optim, data } = config;
  let steps = optim.steps;
  let explanation = `optim.steps = ${steps}`;
  if (optim.epochs !== undefined) {
    if (pairs === undefined || !(pairs > 0)) throw new Error(`optim.epochs (${optim.epochs}) needs the number of pre-training pairs, got ${pairs}`);
    const perStep = data.batchSize * optim.accumulate;
    steps = Math.max(1, Math.ceil((optim.epochs * pairs) / perStep));
    explanation = `optim.epochs = ${optim.epochs} over ${pairs} pairs at ${data.batchSize} × ${optim.accumulate} per step → ${steps} steps (optim.steps ignored)`;
  }
  if (optim.schedule === 'authors') {
    const warmupSteps = Math.round(AUTHORS_WARMUP_FRACTION * steps);
    const horizonSteps = Math.max(steps, Math.round(AUTHORS_HORIZON_FRACTION * steps));
    return { steps, warmupSteps, horizonSteps, explanation: `${explanation}; authors' schedule: warm-up ${warmupSteps}, cosine horizon ${horizonSteps}` };
  }
  if (optim.warmupSteps > steps) throw new Error(`optim.warmupSteps (${optim.warmupSteps}) exceeds the run's ${steps} steps`);
  return {
    steps,
    warmupSteps: optim.warmupSteps,
    horizonSteps: steps,
    explanation: `${explanation}; cosine: warm-up ${optim.warmupSteps}, to optim.minLr at the end`,
  };
}

/** The step → learning-rate function of a resolved schedule (MAE's linear warm-up, then half-cosine). */
export function learningRateAt(config: Config, schedule: ResolvedSchedule): (step: number) => number {
  return cosineWithWarmup({ baseLr: config.optim.lr, warmupSteps: schedule.warmupSteps, totalSteps: schedule.horizonSteps, minLr: config.optim.minLr });
}
