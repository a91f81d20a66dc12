/**
 * Area under the ROC curve for one binary label, by the rank statistic
 * (Mann–Whitney U), with ties given their average rank — the same value as
 * scikit-learn's `roc_auc_score`.
 *
 * @param scores  [N] predicted scores (higher = more likely positive)
 * @param targets [N] 0/1 ground truth
 * @returns AUROC in [0, 1], or NaN when only one class is present.
 */
export function auroc(scores: ArrayLike<number>, targets: ArrayLike<number>): number {
  const n = scores.length;
  if (targets.length !== n) {
    throw new Error(`auroc: ${n} scores but ${targets.length} targets`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let positives = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end) / 2 + 1; // 1-based ranks
    for (let k = start; k <= end; k++) {
      const t = targets[order[k]];
      if (t !== 0 && t !== 1) throw new Error(`auroc: target ${order[k]} is ${t}, expected 0 or 1`);
      if (t === 1) {
        rankSumPos += averageRank;
        positives++;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPos - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Per-label and mean AUROC of a multi-label problem.
 *
 * @param scores  [N, C] row-major scores
 * @param targets [N, C] row-major 0/1 targets
 * @param numLabels C
 * @returns `perLabel[c]` (NaN where a label has one class only) and `mean` over defined labels.
 */
export function multiLabelAuroc(scores: ArrayLike<number>, targets: ArrayLike<number>, numLabels: number): { perLabel: number[]; mean: number } {
  if (scores.length !== targets.length || scores.length % numLabels !== 0) {
    throw new Error(`multiLabelAuroc: shapes differ (${scores.length} scores, ${targets.length} targets, ${numLabels} labels)`);
  }
  const n = scores.length / numLabels;
  const perLabel: number[] = [];
  for (let c = 0; c < numLabels; c++) {
    const s = new Float64Array(n);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = scores[i * numLabels + c];
      t[i] = targets[i * numLabels + c];
    }
    perLabel.push(auroc(s, t));
  }
  const defined = perLabel.filter((v) => !Number.isNaN(v));
  const mean = defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : Number.NaN;
  return { perLabel, mean };
}
