import { globalNorm, tf, type NamedGrads, type Parameter, type StepReport } from '@ecamp/core';

/** Options of {@link Sgd}. */
export interface SgdOptions {
  /** Momentum μ (default 0.9, the authors' fine-tuning recipe); 0 turns momentum off. */
  momentum?: number;
  /**
   * Coupled (L2) weight decay added to the gradient, as `torch.optim.SGD`'s
   * `weight_decay` (default 0, the authors' recipe); applied only to parameters
   * with `decay: true` (biases and norm weights are left alone).
   */
  weightDecay?: number;
  /** Skip the update when the gradient norm is non-finite (default true). */
  skipNonFinite?: boolean;
}

/**
 * Stochastic gradient descent with momentum, `torch.optim.SGD` semantics
 * (dampening 0, no Nesterov): g ← ∇ + wd·p; buf ← g on the first step, else
 * μ·buf + g; p ← p − lr·scale·buf. `scaleOf` gives a per-parameter learning-rate
 * multiplier (layer-wise decay), so one optimiser serves every group.
 *
 * The same surface as `GroupedAdamW` (`step(grads, lr)`, `stepCount`, `params`,
 * `dispose`), so every downstream loop takes either.
 *
 * @example
 * const opt = new Sgd(head.namedParameters(), { momentum: 0.9 });
 * opt.step(grads, 0.03);
 */
export class Sgd {
  /** Momentum μ. */
  readonly momentum: number;
  /** Coupled weight decay. */
  readonly weightDecay: number;
  private readonly skipNonFinite: boolean;
  private readonly scales: number[];
  private readonly buffers = new Map<string, tf.Variable>();
  private t = 0;

  constructor(
    readonly params: Parameter[],
    options: SgdOptions = {},
    scaleOf: (name: string) => number = () => 1,
  ) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
    this.skipNonFinite = options.skipNonFinite ?? true;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new Error(`Sgd: momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.weightDecay >= 0)) throw new Error(`Sgd: weightDecay must be ≥ 0, got ${this.weightDecay}`);
    const names = new Set<string>();
    for (const p of params) {
      if (names.has(p.name)) throw new Error(`Sgd: duplicate parameter name '${p.name}'`);
      names.add(p.name);
    }
    this.scales = params.map((p) => {
      const s = scaleOf(p.name);
      if (!(s > 0)) throw new Error(`Sgd: learning-rate multiplier of '${p.name}' is ${s}`);
      return s;
    });
  }

  /** Applied steps. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * One update at base rate `lr`. `grads` (keyed by dotted name) are not
   * consumed; parameters without a gradient are left alone (and keep their momentum).
   */
  step(grads: NamedGrads, lr: number): StepReport {
    const gradNorm = globalNorm(grads);
    if (this.skipNonFinite && !Number.isFinite(gradNorm)) {
      return { applied: false, gradNorm, reason: `non-finite gradient norm ${gradNorm}`, step: this.t };
    }
    if (!(lr >= 0)) throw new Error(`Sgd.step: lr must be ≥ 0, got ${lr}`);
    this.params.forEach((p, i) => {
      const grad = grads[p.name];
      if (grad === undefined) return;
      tf.tidy(() => {
        let g: tf.Tensor = grad;
        if (p.decay && this.weightDecay > 0) g = tf.add(g, tf.mul(p.variable, this.weightDecay));
        if (this.momentum > 0) {
          const buf = this.buffers.get(p.name);
          if (buf === undefined) {
            this.buffers.set(p.name, tf.variable(g, false, `${p.variable.name}_sgd_momentum`));
          } else {
            g = tf.add(tf.mul(buf, this.momentum), g);
            buf.assign(g);
          }
        }
        p.variable.assign(tf.sub(p.variable, tf.mul(g, lr * this.scales[i])));
      });
    });
    this.t += 1;
    return { applied: true, gradNorm, step: this.t };
  }

  /** Free the momentum buffers. */
  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
