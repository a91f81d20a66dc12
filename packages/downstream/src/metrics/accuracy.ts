/**
 * Index of the largest entry of each row of a row-major [N, C] score matrix.
 * Ties go to the lowest index, so the result does not depend on the platform.
 *
 * @param scores [N, C] row-major scores (logits or probabilities)
 * @param numClasses C
 * @returns [N] class indices
 */
export function argmaxRows(scores: ArrayLike<number>, numClasses: number): Int32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`argmaxRows: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (scores.length % numClasses !== 0) {
    throw new Error(`argmaxRows: ${scores.length} scores is not a multiple of ${numClasses} classes`);
  }
  const n = scores.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = scores[i * numClasses];
    for (let c = 1; c < numClasses; c++) {
      const v = scores[i * numClasses + c];
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Fraction of predictions equal to their targets.
 *
 * @param predicted [N] predicted class indices
 * @param targets [N] true class indices
 * @returns accuracy in [0, 1], NaN for N = 0.
 */
export function accuracy(predicted: ArrayLike<number>, targets: ArrayLike<number>): number {
  if (predicted.length !== targets.length) {
    throw new Error(`accuracy: ${predicted.length} predictions but ${targets.length} targets`);
  }
  if (predicted.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === targets[i]) correct++;
  return correct / predicted.length;
}

/**
 * Top-1 accuracy of a multi-class problem (COVIDx, APTOS in the paper): the
 * arg-max of each score row against the true class index.
 *
 * @param scores [N, C] row-major scores
 * @param targets [N] true class indices in [0, C)
 * @param numClasses C
 */
export function topOneAccuracy(scores: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number): number {
  if (scores.length !== targets.length * numClasses) {
    throw new Error(`topOneAccuracy: ${scores.length} scores do not make ${targets.length} rows of ${numClasses} classes`);
  }
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (!Number.isInteger(t) || t < 0 || t >= numClasses) {
      throw new Error(`topOneAccuracy: target ${i} is ${t}, expected an integer in [0, ${numClasses})`);
    }
  }
  return accuracy(argmaxRows(scores, numClasses), targets);
}

/**
 * Element-wise accuracy of thresholded multi-label predictions
 * (`score > threshold` counts as positive).
 *
 * @param scores [N·C] probabilities (or logits with threshold 0)
 * @param targets [N·C] 0/1 targets
 * @param threshold decision threshold, 0.5 by default
 */
export function binaryAccuracy(scores: ArrayLike<number>, targets: ArrayLike<number>, threshold = 0.5): number {
  if (scores.length !== targets.length) {
    throw new Error(`binaryAccuracy: ${scores.length} scores but ${targets.length} targets`);
  }
  if (scores.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < scores.length; i++) {
    const t = targets[i];
    if (t !== 0 && t !== 1) throw new Error(`binaryAccuracy: target ${i} is ${t}, expected 0 or 1`);
    if ((scores[i] > threshold ? 1 : 0) === t) correct++;
  }
  return correct / scores.length;
}
