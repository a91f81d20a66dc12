import { tf } from '../tf.js';
import type { Parameter } from '../module.js';
import { isTensorData, tensorFromData, type TensorData } from '../tensor-data.js';
import { globalNorm, type NamedGrads } from './grads.js';
import { nativeAdamW, type AdamWEntry } from '../native/optim.js';

/** Options of {@link AdamW}. */
export interface AdamWOptions {
  /** Learning rate (change per step with `setLr`). */
  lr: number;
  /** Default [0.9, 0.95] (MAE). */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay (default 0.05), applied only to parameters with `decay: true`. */
  weightDecay?: number;
  /** Skip the update when the gradient norm is non-finite (default true). */
  skipNonFinite?: boolean;
}

/** Per-step options of {@link AdamW.step}. */
export interface AdamWStepOptions {
  /**
   * Clip the global gradient norm to this value first (PyTorch `clip_grad_norm_`: factor
   * maxNorm / (norm + 1e-6) when the norm exceeds it), folded into the update: no scaled copies.
   */
  maxGradNorm?: number;
}

/** What one {@link AdamW.step} did. */
export interface StepReport {
  /** False when the non-finite guard skipped the update. */
  applied: boolean;
  /** Global gradient norm before any clipping (NaN/Infinity when skipped for that reason). */
  gradNorm: number;
  /** Why it was skipped. */
  reason?: string;
  /** Optimiser step count after this call. */
  step: number;
}

/**
 * AdamW as PyTorch's `torch.optim.AdamW` (decoupled decay: p ← p − lr·wd·p, then the Adam update
 * with bias correction). Works over named {@link Parameter}s; biases and norm weights
 * (`decay: false`) are not decayed. A non-finite guard skips the step and reports it.
 *
 * @example
 * const opt = new AdamW(model.namedParameters(), { lr: 1.5e-4 });
 * const report = opt.step(grads); // grads keyed by dotted name or variable name
 */
export class AdamW {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly skipNonFinite: boolean;
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    readonly params: Parameter[],
    opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.95];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.05;
    this.skipNonFinite = opts.skipNonFinite ?? true;
    const names = new Set<string>();
    for (const p of params) {
      if (names.has(p.name)) throw new Error(`AdamW: duplicate parameter name '${p.name}'`);
      names.add(p.name);
    }
  }

  /** Set the learning rate for the next steps. */
  setLr(lr: number): void {
    this.lr = lr;
  }

  /** Number of applied steps. */
  get stepCount(): number {
    return this.t;
  }

  private slot(map: Map<string, tf.Variable>, p: Parameter, kind: string): tf.Variable {
    let s = map.get(p.name);
    if (s === undefined) {
      const init = tf.zerosLike(p.variable);
      s = tf.variable(init, false, `${p.variable.name}_adam_${kind}`);
      init.dispose(); // the variable holds its own reference to the data
      map.set(p.name, s);
    }
    return s;
  }

  /**
   * Apply one update. `grads` maps dotted parameter names or variable names to gradients
   * (not consumed; the caller disposes them). Parameters without a gradient are left alone.
   * On the native backend the whole update is one in-place multithreaded pass.
   */
  step(grads: NamedGrads, opts: AdamWStepOptions = {}): StepReport {
    const gradNorm = globalNorm(grads);
    if (this.skipNonFinite && !Number.isFinite(gradNorm)) {
      return { applied: false, gradNorm, reason: `non-finite gradient norm ${gradNorm}`, step: this.t };
    }
    const maxNorm = opts.maxGradNorm;
    if (maxNorm !== undefined && !(maxNorm > 0)) throw new Error(`AdamW.step: maxGradNorm must be positive, got ${maxNorm}`);
    const scale = maxNorm !== undefined && gradNorm > maxNorm ? maxNorm / (gradNorm + 1e-6) : 1;
    this.t += 1;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    const entries: (AdamWEntry & { p: Parameter })[] = [];
    for (const p of this.params) {
      const g = grads[p.name] ?? grads[p.variable.name];
      if (g === undefined) continue;
      entries.push({ p, param: p.variable, grad: g, m: this.slot(this.m, p, 'm'), v: this.slot(this.v, p, 'v'), decay: p.decay && this.weightDecay !== 0 });
    }
    const done = nativeAdamW(entries, {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      bc1,
      bc2,
      gradScale: scale,
    });
    entries.forEach((e, i) => {
      if (done[i]) return;
      const { p, m, v } = e;
      tf.tidy(() => {
        const g = scale === 1 ? e.grad : tf.mul(e.grad, scale);
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(mNew);
        v.assign(vNew);
        const update = tf.div(tf.div(mNew, bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), this.eps));
        let w: tf.Tensor = p.variable;
        if (e.decay) w = tf.mul(w, 1 - this.lr * this.weightDecay);
        p.variable.assign(tf.sub(w, tf.mul(update, this.lr)));
      });
    });
    return { applied: true, gradNorm, step: this.t };
  }

  /** Moments as `m.<name>` / `v.<name>` tensors (live variables) plus the step count. */
  stateDict(): { step: number; tensors: Record<string, tf.Tensor> } {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [k, t] of this.m) tensors[`m.${k}`] = t;
    for (const [k, t] of this.v) tensors[`v.${k}`] = t;
    return { step: this.t, tensors };
  }

  /** Restore from {@link stateDict} output (tensors are copied, not consumed). */
  loadStateDict(state: { step: number; tensors: Record<string, tf.Tensor | TensorData> }): void {
    const byName = new Map(this.params.map((p) => [p.name, p]));
    for (const [key, value] of Object.entries(state.tensors)) {
      const kind = key.slice(0, 2);
      const name = key.slice(2);
      const p = byName.get(name);
      if ((kind !== 'm.' && kind !== 'v.') || p === undefined) {
        throw new Error(`AdamW.loadStateDict: unexpected key '${key}'`);
      }
      if (value.shape.join(',') !== p.variable.shape.join(',')) {
        throw new Error(`AdamW.loadStateDict: '${key}' has shape [${value.shape}], parameter is [${p.variable.shape}]`);
      }
      const slot = this.slot(kind === 'm.' ? this.m : this.v, p, kind[0]);
      tf.tidy(() => slot.assign(isTensorData(value) ? tensorFromData(value) : value));
    }
    this.t = state.step;
  }

  /** Free the moment variables. */
  dispose(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
