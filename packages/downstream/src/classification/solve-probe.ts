/**
 * A linear probe solved to convergence: L2-regularised logistic regression (multi-label:
 * one sigmoid per label; multi-class: softmax) on a frozen encoder's pooled features,
 * the standard few-shot protocol (scikit-learn's `LogisticRegression`, CLIP's probes).
 *
 * Why beside {@link fitLinearProbe}: a probe trained by minibatch AdamW for a fixed
 * number of epochs on a few dozen images stops far from its optimum (on the synthetic
 * set, 100 epochs of 60 images ended at a training loss of 0.45, the loss of predicting
 * the label frequencies), so its AUROC measures how far the first steps got, not how
 * linearly separable the features are. Here the objective
 *
 *   J(W, b) = mean_i loss(x_i W + b, y_i) + (l2 / 2) · ‖W‖²     (bias not penalised)
 *
 * (multi-label: the loss is the mean over the N·C entries and the penalty is divided by C,
 * which makes each label's column the solution of that label's own problem)
 * is minimised by L-BFGS (memory 10, backtracking Armijo line search) in float64 until
 * the gradient's largest entry is below `tolerance`. J is strictly convex in W, so the
 * result does not depend on a seed, a learning rate or a step count.
 *
 * `x_i` is what the head's classifier sees (`head.normalise`: `fc_norm`, then MAE's
 * training-set standardisation when the head has `featureNorm`); the solution is written
 * into `head.head` (weight [D, C], bias [C]), so {@link evaluatePooledFeatures} and
 * checkpoints work unchanged. Cost per iteration: two passes of N·D·C multiply-adds in JS.
 */
import { tf } from '@ecamp/core';
import { featureStatistics, type PooledFeatures } from './features.js';
import type { ClassificationHead } from './head.js';
import type { ClassificationTask } from './task.js';

/** Options of {@link solveLinearProbe}. */
export interface SolveLinearProbeOptions {
  /** The head (LayerNorm → [standardisation] → Linear); its classifier weights are overwritten. */
  head: ClassificationHead;
  /** Cached features from {@link extractPooledFeatures}. */
  data: PooledFeatures;
  /** `multi-label` (sigmoid per label) or `multi-class` (softmax over classes). */
  task: ClassificationTask;
  /**
   * L2 strength on the weights, in units of the mean loss. Default `1 / N`: scikit-learn's
   * default `C = 1` (its objective is C·Σ loss + ½‖W‖²).
   */
  l2?: number;
  /** Stop when max |∂J| ≤ this (default 1e-5). */
  tolerance?: number;
  /** Iteration cap (default 1000). */
  maxIterations?: number;
}

/** What {@link solveLinearProbe} reached. */
export interface SolveLinearProbeResult {
  /** L-BFGS iterations run. */
  iterations: number;
  /** True when the gradient tolerance was met before the cap. */
  converged: boolean;
  /** Final J (mean loss + penalty). */
  objective: number;
  /** Final mean training loss (without the penalty; multi-label: mean over the N·C entries, as `bceWithLogits`). */
  trainLoss: number;
  /** Largest |∂J| entry at the end. */
  gradientMax: number;
  /** The L2 strength used. */
  l2: number;
}

interface Problem {
  x: Float64Array; // [N, D]
  y: Float64Array; // multi-label [N, C] 0/1; multi-class [N] class index
  n: number;
  d: number;
  c: number;
  task: ClassificationTask;
  l2: number;
}

const log1pExp = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/**
 * J and its gradient at θ = [W (D·C, row-major [D, C]); b (C)]. Returns [J, mean loss].
 * Multi-label: loss = Σ_c softplus(z) − y·z; multi-class: logsumexp(z) − z_y.
 */
function objective(p: Problem, theta: Float64Array, grad: Float64Array): [number, number] {
  const { x, y, n, d, c, l2 } = p;
  const wOff = 0;
  const bOff = d * c;
  grad.fill(0);
  const z = new Float64Array(c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    for (let k = 0; k < c; k++) z[k] = theta[bOff + k];
    for (let j = 0; j < d; j++) {
      const v = x[xi + j];
      if (v === 0) continue;
      const row = wOff + j * c;
      for (let k = 0; k < c; k++) z[k] += v * theta[row + k];
    }
    // z becomes ∂loss_i/∂z (residual) below.
    if (p.task === 'multi-label') {
      for (let k = 0; k < c; k++) {
        const t = y[i * c + k];
        loss += log1pExp(z[k]) - t * z[k];
        z[k] = 1 / (1 + Math.exp(-z[k])) - t;
      }
    } else {
      let max = -Infinity;
      for (let k = 0; k < c; k++) max = Math.max(max, z[k]);
      let sum = 0;
      for (let k = 0; k < c; k++) sum += Math.exp(z[k] - max);
      const target = y[i];
      loss += max + Math.log(sum) - z[target];
      for (let k = 0; k < c; k++) z[k] = Math.exp(z[k] - max) / sum - (k === target ? 1 : 0);
    }
    for (let k = 0; k < c; k++) grad[bOff + k] += z[k];
    for (let j = 0; j < d; j++) {
      const v = x[xi + j];
      if (v === 0) continue;
      const row = wOff + j * c;
      for (let k = 0; k < c; k++) grad[row + k] += v * z[k];
    }
  }
  // Multi-label: the mean over the N·C label entries, and the penalty / C, so that each
  // label's weights solve that label's own problem (mean loss + (l2/2)‖w_k‖²).
  const per = p.task === 'multi-label' ? c : 1;
  const l2Scaled = l2 / per;
  let penalty = 0;
  for (let q = 0; q < grad.length; q++) grad[q] /= n * per;
  for (let q = 0; q < d * c; q++) {
    penalty += theta[q] * theta[q];
    grad[q] += l2Scaled * theta[q];
  }
  return [loss / (n * per) + 0.5 * l2Scaled * penalty, loss / (n * per)];
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** L-BFGS on a smooth convex objective; mutates and returns `theta`. */
function lbfgs(p: Problem, theta: Float64Array, tolerance: number, maxIterations: number) {
  const m = 10;
  const size = theta.length;
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  let grad = new Float64Array(size);
  let [f, loss] = objective(p, theta, grad);
  let iterations = 0;
  const dir = new Float64Array(size);
  const alpha = new Float64Array(m);
  const next = new Float64Array(size);
  let nextGrad = new Float64Array(size);
  while (maxAbs(grad) > tolerance && iterations < maxIterations) {
    iterations++;
    // Two-loop recursion: dir = −H·grad.
    for (let i = 0; i < size; i++) dir[i] = -grad[i];
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], dir);
      for (let i = 0; i < size; i++) dir[i] -= alpha[k] * yv[k][i];
    }
    const gamma = s.length ? dot(s[s.length - 1], yv[yv.length - 1]) / dot(yv[yv.length - 1], yv[yv.length - 1]) : 1 / Math.max(1, maxAbs(grad));
    for (let i = 0; i < size; i++) dir[i] *= gamma;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(yv[k], dir);
      for (let i = 0; i < size; i++) dir[i] += (alpha[k] - beta) * s[k][i];
    }
    let slope = dot(grad, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = yv.length = rho.length = 0;
      for (let i = 0; i < size; i++) dir[i] = -grad[i] / Math.max(1, maxAbs(grad));
      slope = dot(grad, dir);
    }
    // Backtracking (Armijo) from the full quasi-Newton step.
    let step = 1;
    let fNext = 0;
    let lossNext = 0;
    for (let tries = 0; ; tries++) {
      for (let i = 0; i < size; i++) next[i] = theta[i] + step * dir[i];
      [fNext, lossNext] = objective(p, next, nextGrad);
      if (fNext <= f + 1e-4 * step * slope || tries >= 40) break;
      step *= 0.5;
    }
    if (!(fNext < f)) break; // no decrease possible at float64 precision: converged as far as it goes
    const sk = new Float64Array(size);
    const yk = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      sk[i] = next[i] - theta[i];
      yk[i] = nextGrad[i] - grad[i];
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sk);
      yv.push(yk);
      rho.push(1 / sy);
    }
    theta.set(next);
    [grad, nextGrad] = [nextGrad, grad];
    f = fNext;
    loss = lossNext;
  }
  return { iterations, objective: f, trainLoss: loss, gradientMax: maxAbs(grad) };
}

/**
 * Solves the head's classifier on `data` (see the file comment) and writes it into
 * `head.head`. With `featureNorm` the head's standardisation statistics are first set
 * from the training rows, as {@link fitLinearProbe} does. Synchronous apart from the
 * reads of the normalised features (one `dataSync` per 1,024 rows).
 */
export function solveLinearProbe(options: SolveLinearProbeOptions): SolveLinearProbeResult {
  const { head, data, task } = options;
  const { count: n, dim: d } = data;
  const c = head.numClasses;
  if (n < 1) throw new Error('solveLinearProbe: no training rows');
  if (d !== head.embedDim) throw new Error(`solveLinearProbe: features have width ${d}, the head expects ${head.embedDim}`);
  if (data.features.length !== n * d) throw new Error(`solveLinearProbe: ${data.features.length} feature values are not ${n} rows of ${d}`);
  const per = task === 'multi-label' ? c : 1;
  if (data.labels.length !== n * per)
    throw new Error(`solveLinearProbe: ${data.labels.length} label values are not ${n} rows of ${per} (${task}, ${c} classes)`);
  if (task === 'multi-class') {
    const bad = data.labels.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= c);
    if (bad >= 0) throw new Error(`solveLinearProbe: row ${bad} has class ${data.labels[bad]}, outside [0, ${c})`);
  }
  const l2 = options.l2 ?? 1 / n;
  if (!(l2 > 0) || !Number.isFinite(l2)) throw new Error(`solveLinearProbe: l2 must be a positive number, got ${l2}`);
  const tolerance = options.tolerance ?? 1e-5;
  const maxIterations = options.maxIterations ?? 1000;
  if (head.featureNorm) head.setFeatureStatistics(featureStatistics(data, (rows) => head.fcNorm.forward(rows) as tf.Tensor2D));
  // What the classifier layer sees, in float64 (reads sync, in chunks).
  const x = new Float64Array(n * d);
  for (let start = 0; start < n; start += 1024) {
    const rows = Math.min(1024, n - start);
    const t = tf.tidy(() => head.normalise(tf.tensor2d(data.features.subarray(start * d, (start + rows) * d), [rows, d])));
    x.set(t.dataSync(), start * d);
    t.dispose();
  }
  const problem: Problem = { x, y: Float64Array.from(data.labels), n, d, c, task, l2 };
  const theta = new Float64Array(d * c + c); // start at zero: the optimum is unique
  const r = lbfgs(problem, theta, tolerance, maxIterations);
  tf.tidy(() => {
    head.head.weight.assign(tf.tensor2d(Float32Array.from(theta.subarray(0, d * c)), [d, c]));
    head.head.bias!.assign(tf.tensor1d(Float32Array.from(theta.subarray(d * c))));
  });
  return { iterations: r.iterations, converged: r.gradientMax <= tolerance, objective: r.objective, trainLoss: r.trainLoss, gradientMax: r.gradientMax, l2 };
}
