import { tf } from '../tf.js';
import { Module, type Parameter } from '../module.js';
import type { AdamW, StepReport } from './adamw.js';
import type { NamedGrads } from './grads.js';

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** Clip the global gradient norm to this value before the update. */
  maxGradNorm?: number;
  /** Learning rate for this step (calls `optimizer.setLr`). */
  lr?: number;
}

/** What {@link trainStep} did. */
export interface TrainStepResult extends StepReport {
  // gradNorm is the global norm before clipping.
  /** Loss value. */
  loss: number;
}

/** Dispose every tensor of a gradient map. */
export function disposeGrads(grads: NamedGrads): void {
  for (const g of Object.values(grads)) g.dispose();
}

/**
 * Gradients of `lossFn` w.r.t. trainable parameters, keyed by dotted name.
 * The caller owns the returned loss and gradients.
 */
export function namedGradients(params: Parameter[], lossFn: () => tf.Scalar): { loss: tf.Scalar; grads: NamedGrads } {
  const trainable = params.filter((p) => p.variable.trainable);
  const { value, grads } = tf.variableGrads(
    lossFn,
    trainable.map((p) => p.variable),
  );
  const named: NamedGrads = {};
  for (const p of trainable) {
    const g = grads[p.variable.name];
    if (g !== undefined) named[p.name] = g;
  }
  // variableGrads may return grads for variables the loss touched outside `params`; free them.
  const used = new Set(Object.values(named));
  for (const g of Object.values(grads)) if (!used.has(g)) g.dispose();
  return { loss: value, grads: named };
}

/**
 * One optimisation step: loss and gradients by `tf.variableGrads`, optional clipping, AdamW
 * update (skipped on a non-finite norm), and disposal of everything it created, so
 * `tf.memory().numTensors` is unchanged afterwards (once the optimiser's moments exist).
 *
 * @example const r = trainStep(model, () => loss(model, batch), opt, { maxGradNorm: 1 });
 */
export function trainStep(target: Module | Parameter[], lossFn: () => tf.Scalar, optimizer: AdamW, opts: TrainStepOptions = {}): TrainStepResult {
  const params = target instanceof Module ? target.namedParameters() : target;
  if (opts.lr !== undefined) optimizer.setLr(opts.lr);
  const { loss, grads } = namedGradients(params, lossFn);
  const lossValue = loss.dataSync()[0];
  loss.dispose();
  try {
    if (!Number.isFinite(lossValue)) {
      return { applied: false, gradNorm: NaN, reason: `non-finite loss ${lossValue}`, step: optimizer.stepCount, loss: lossValue };
    }
    // Clipping is folded into the update; the report carries the norm before clipping, which is
    // what tells a user the gradients are exploding.
    const report = optimizer.step(grads, { maxGradNorm: opts.maxGradNorm });
    return { ...report, loss: lossValue };
  } finally {
    disposeGrads(grads);
  }
}
