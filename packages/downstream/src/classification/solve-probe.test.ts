import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { evaluatePooledFeatures, fitLinearProbe } from './fit-probe.js';
import { ClassificationHead } from './head.js';
import { solveLinearProbe } from './solve-probe.js';
import type { PooledFeatures } from './features.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

/** N rows of D features; label k of a row depends on a noisy linear score (overlapping classes). */
function problem(seed: number, n: number, d: number, c: number, task: 'multi-label' | 'multi-class'): PooledFeatures {
  const rng = new Rng(seed);
  const features = Float32Array.from({ length: n * d }, () => rng.normal());
  const labels = new Float32Array(task === 'multi-label' ? n * c : n);
  for (let i = 0; i < n; i++) {
    const score = (k: number) => features[i * d + k] - 0.5 * features[i * d + ((k + 1) % d)] + 0.8 * rng.normal();
    if (task === 'multi-label') for (let k = 0; k < c; k++) labels[i * c + k] = score(k) > 0.3 ? 1 : 0;
    else labels[i] = Array.from({ length: c }, (_, k) => score(k)).reduce((best, v, k, all) => (v > all[best] ? k : best), 0);
  }
  return { features, labels, count: n, dim: d };
}

/** What the classifier sees, read straight from the head (fc_norm [→ standardisation]). */
function normalised(head: ClassificationHead, data: PooledFeatures): Float64Array {
  const t = head.normalise(tf.tensor2d(data.features, [data.count, data.dim]));
  const x = Float64Array.from(t.dataSync());
  t.dispose();
  return x;
}

/** Independent reference: per-label Newton (IRLS) on mean BCE + (l2/2)‖w‖², bias unpenalised. */
function newtonMultiLabel(x: Float64Array, y: Float32Array, n: number, d: number, c: number, l2: number): Float64Array[] {
  return Array.from({ length: c }, (_, k) => {
    const w = new Float64Array(d + 1); // [w; b]
    for (let it = 0; it < 50; it++) {
      const g = new Float64Array(d + 1);
      const h = Array.from({ length: d + 1 }, () => new Float64Array(d + 1));
      for (let i = 0; i < n; i++) {
        const xi = [...x.subarray(i * d, (i + 1) * d), 1];
        const z = xi.reduce((s, v, j) => s + v * w[j], 0);
        const p = 1 / (1 + Math.exp(-z));
        for (let a = 0; a <= d; a++) {
          g[a] += ((p - y[i * c + k]) * xi[a]) / n;
          for (let b = 0; b <= d; b++) h[a][b] += (p * (1 - p) * xi[a] * xi[b]) / n;
        }
      }
      for (let a = 0; a < d; a++) {
        g[a] += l2 * w[a];
        h[a][a] += l2;
      }
      // Solve h·delta = g (Gaussian elimination, partial pivoting).
      const m = h.map((row, a) => [...row, g[a]]);
      for (let col = 0; col <= d; col++) {
        const piv = m.slice(col).reduce((best, row, r) => (Math.abs(row[col]) > Math.abs(m[best][col]) ? r + col : best), col);
        [m[col], m[piv]] = [m[piv], m[col]];
        for (let r = 0; r <= d; r++) {
          if (r === col) continue;
          const f = m[r][col] / m[col][col];
          for (let q = col; q <= d + 1; q++) m[r][q] -= f * m[col][q];
        }
      }
      for (let a = 0; a <= d; a++) w[a] -= m[a][d + 1] / m[a][a];
    }
    return w;
  });
}

describe('solveLinearProbe', () => {
  it('reaches the optimum of the L2 logistic objective: matches an independent Newton solve (multi-label)', () => {
    const [n, d, c] = [60, 5, 3];
    const data = problem(1, n, d, c, 'multi-label');
    const head = new ClassificationHead(d, c, { numPrefixTokens: 0, rng: new Rng(2) });
    const before = tf.memory().numTensors;
    const r = solveLinearProbe({ head, data, task: 'multi-label', tolerance: 1e-8 });
    expect(r.gradientMax).toBeLessThan(1e-8);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.converged).toBe(true);
    expect(r.l2).toBeCloseTo(1 / n, 12);
    const reference = newtonMultiLabel(normalised(head, data), data.labels, n, d, c, r.l2);
    const w = head.head.weight.dataSync();
    const b = head.head.bias!.dataSync();
    for (let k = 0; k < c; k++) {
      for (let j = 0; j < d; j++) expect(w[j * c + k]).toBeCloseTo(reference[k][j], 4);
      expect(b[k]).toBeCloseTo(reference[k][d], 4);
    }
    head.dispose();
  });

  it('multi-class softmax: the objective has a stationary point there and every nearby point is worse', () => {
    const [n, d, c] = [50, 4, 3];
    const data = problem(3, n, d, c, 'multi-class');
    const head = new ClassificationHead(d, c, { numPrefixTokens: 0 });
    const r = solveLinearProbe({ head, data, task: 'multi-class', l2: 0.05, tolerance: 1e-8 });
    expect(r.converged).toBe(true);
    const x = normalised(head, data);
    // The test's own objective: mean softmax cross-entropy + (l2/2)‖W‖².
    const J = (w: Float64Array, b: Float64Array) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const z = Array.from({ length: c }, (_, k) => b[k] + Array.from({ length: d }, (_, j) => x[i * d + j] * w[j * c + k]).reduce((p, q) => p + q, 0));
        const m = Math.max(...z);
        s += m + Math.log(z.reduce((p, q) => p + Math.exp(q - m), 0)) - z[data.labels[i]];
      }
      return s / n + 0.025 * w.reduce((p, q) => p + q * q, 0);
    };
    const w = Float64Array.from(head.head.weight.dataSync());
    const b = Float64Array.from(head.head.bias!.dataSync());
    const best = J(w, b);
    expect(best).toBeCloseTo(r.objective, 5);
    const rng = new Rng(9);
    for (let t = 0; t < 20; t++) {
      const w2 = w.map((v) => v + 1e-2 * rng.normal());
      const b2 = b.map((v) => v + 1e-2 * rng.normal());
      expect(J(w2, b2)).toBeGreaterThan(best);
    }
    // Central differences of the test's objective vanish at the solution (float32 weights: ~1e-4).
    for (let q = 0; q < d * c; q += 3) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[q] += 1e-4;
      down[q] -= 1e-4;
      expect(Math.abs((J(up, b) - J(down, b)) / 2e-4)).toBeLessThan(1e-3);
    }
    head.dispose();
  });

  it('fits the training rows better than a short minibatch probe and scores at least as well on held-out rows', async () => {
    const [d, c] = [16, 4];
    const train = problem(5, 40, d, c, 'multi-label');
    const test = problem(6, 400, d, c, 'multi-label');
    const solved = new ClassificationHead(d, c, { numPrefixTokens: 0, featureNorm: true, rng: new Rng(1) });
    const r = solveLinearProbe({ head: solved, data: train, task: 'multi-label' });
    const trained = new ClassificationHead(d, c, { numPrefixTokens: 0, featureNorm: true, rng: new Rng(1) });
    const fit = await fitLinearProbe({
      head: trained,
      data: train,
      task: 'multi-label',
      epochs: 20,
      batchSize: 64,
      optimiser: { lr: 1e-2, weightDecay: 0 },
      rng: new Rng(2),
    });
    expect(r.trainLoss).toBeLessThan(fit.losses[fit.losses.length - 1]);
    const a = evaluatePooledFeatures(solved, test, 'multi-label').auroc;
    const b = evaluatePooledFeatures(trained, test, 'multi-label').auroc;
    expect(a).toBeGreaterThan(0.8);
    expect(a).toBeGreaterThanOrEqual(b - 0.01);
    // Deterministic: no seed, no step count.
    const again = new ClassificationHead(d, c, { numPrefixTokens: 0, featureNorm: true, rng: new Rng(77) });
    solveLinearProbe({ head: again, data: train, task: 'multi-label' });
    expect(Array.from(again.head.weight.dataSync())).toEqual(Array.from(solved.head.weight.dataSync()));
    for (const h of [solved, trained, again]) h.dispose();
    fit.dispose();
  });

  it('names what is wrong with its input', () => {
    const head = new ClassificationHead(3, 2, { numPrefixTokens: 0 });
    const data = problem(1, 4, 3, 2, 'multi-label');
    expect(() => solveLinearProbe({ head, data: { ...data, dim: 4, features: new Float32Array(16) }, task: 'multi-label' })).toThrow(
      /width 4, the head expects 3/,
    );
    expect(() => solveLinearProbe({ head, data: { ...data, labels: new Float32Array(3) }, task: 'multi-label' })).toThrow(/3 label values are not 4 rows of 2/);
    expect(() => solveLinearProbe({ head, data: { ...data, labels: Float32Array.from([0, 1, 2, 1]) }, task: 'multi-class' })).toThrow(
      /row 2 has class 2, outside \[0, 2\)/,
    );
    expect(() => solveLinearProbe({ head, data, task: 'multi-label', l2: 0 })).toThrow(/l2 must be a positive number/);
    expect(() =>
      solveLinearProbe({ head, data: { ...data, count: 0, features: new Float32Array(0), labels: new Float32Array(0) }, task: 'multi-label' }),
    ).toThrow(/no training rows/);
    head.dispose();
  });
});
