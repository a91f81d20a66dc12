import { expect } from 'vitest';
import { Rng, tf } from '@ecamp/core';
import type { DownstreamFitResult } from '../../src/training/fit.js';
import type { TinyEncoder } from './tiny-encoder.js';

/**
 * What every fit on a frozen encoder promises, checked around one run: `evaluate` before and
 * after `fit`, every step after the first leak-free, the encoder's weights untouched, and the
 * final evaluation leak-free. `fit` gets the `onProgress` hook that records the tensor count.
 */
export async function checkFrozenEncoderFit<E>(
  encoder: TinyEncoder,
  evaluate: () => Promise<E>,
  fit: (onProgress: () => void) => Promise<DownstreamFitResult>,
): Promise<{ initial: E; final: E; result: DownstreamFitResult }> {
  const encoderBefore = encoder.namedParameters().map((p) => Array.from(p.variable.dataSync()));
  const initial = await evaluate();
  const memory: number[] = [];
  const result = await fit(() => memory.push(tf.memory().numTensors));
  expect(new Set(memory.slice(1)).size).toBe(1);
  encoder.namedParameters().forEach((p, i) => expect(Array.from(p.variable.dataSync())).toEqual(encoderBefore[i]));
  const before = tf.memory().numTensors;
  const final = await evaluate();
  expect(tf.memory().numTensors).toBe(before);
  return { initial, final, result };
}

/** Fit options that run exactly one step, on `batch` (for tests of what a fit rejects). */
export function oneStepRun<B>(batch: B) {
  return { epochs: 1, rng: new Rng(0), optimiser: { lr: 1e-3 }, batches: () => [batch] };
}
