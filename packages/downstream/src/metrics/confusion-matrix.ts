/**
 * Confusion matrix of a multi-class problem, scikit-learn's convention:
 * `matrix[actual][predicted]` counts the samples of true class `actual`
 * that were predicted as `predicted`.
 *
 * @param predicted [N] predicted class indices
 * @param targets [N] true class indices
 * @param numClasses C
 * @returns C×C counts
 */
export function confusionMatrix(predicted: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number): number[][] {
  if (predicted.length !== targets.length) {
    throw new Error(`confusionMatrix: ${predicted.length} predictions but ${targets.length} targets`);
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i];
    const t = targets[i];
    for (const [what, v] of [
      ['prediction', p],
      ['target', t],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
        throw new Error(`confusionMatrix: ${what} ${i} is ${v}, expected an integer in [0, ${numClasses})`);
      }
    }
    matrix[t][p]++;
  }
  return matrix;
}

/** Per-class precision, recall and F1 read off a confusion matrix (NaN where undefined). */
export interface ClassReport {
  /** TP / (TP + FP) per class. */
  precision: number[];
  /** TP / (TP + FN) per class. */
  recall: number[];
  /** Harmonic mean of precision and recall per class. */
  f1: number[];
  /** Number of samples whose true class is c. */
  support: number[];
  /** Trace / total. */
  accuracy: number;
  /** Mean of per-class recall over classes with support. */
  balancedAccuracy: number;
}

/**
 * Precision, recall, F1, support, accuracy and balanced accuracy from a
 * confusion matrix as returned by {@link confusionMatrix}.
 */
export function classReport(matrix: number[][]): ClassReport {
  const c = matrix.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  let trace = 0;
  let total = 0;
  for (let k = 0; k < c; k++) {
    if (matrix[k].length !== c) throw new Error(`classReport: row ${k} has ${matrix[k].length} entries, expected ${c}`);
    const tp = matrix[k][k];
    let rowSum = 0;
    let colSum = 0;
    for (let j = 0; j < c; j++) {
      rowSum += matrix[k][j];
      colSum += matrix[j][k];
    }
    const p = colSum ? tp / colSum : Number.NaN;
    const r = rowSum ? tp / rowSum : Number.NaN;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : Number.isNaN(p) || Number.isNaN(r) ? Number.NaN : 0);
    support.push(rowSum);
    trace += tp;
    total += rowSum;
  }
  const definedRecall = recall.filter((r) => !Number.isNaN(r));
  return {
    precision,
    recall,
    f1,
    support,
    accuracy: total ? trace / total : Number.NaN,
    balancedAccuracy: definedRecall.length ? definedRecall.reduce((a, b) => a + b, 0) / definedRecall.length : Number.NaN,
  };
}

/**
 * Cohen's kappa with quadratic weights (the APTOS-2019 challenge metric for
 * ordered grades), from a confusion matrix: 1 − Σ w·O / Σ w·E with
 * w_ij = (i − j)² / (C − 1)² and E the outer product of the marginals / N.
 */
export function quadraticWeightedKappa(matrix: number[][]): number {
  const c = matrix.length;
  if (c < 2) return Number.NaN;
  const rows = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = Array.from({ length: c }, (_, j) => matrix.reduce((a, r) => a + r[j], 0));
  const n = rows.reduce((a, b) => a + b, 0);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const w = (i - j) ** 2 / (c - 1) ** 2;
      observed += w * matrix[i][j];
      expected += (w * rows[i] * cols[j]) / n;
    }
  }
  return expected === 0 ? Number.NaN : 1 - observed / expected;
}
