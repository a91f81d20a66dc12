import {
  AdamW,
  clipGradNorm,
  disposeGrads,
  globalNorm,
  namedGradients,
  tf,
  type AdamWOptions,
  type NamedGrads,
  type Parameter,
  type StepReport,
} from '@ecamp/core';

/**
 * Learning-rate multiplier per parameter for ViT fine-tuning with layer-wise
 * decay (BEiT / MAE convention): with depth L, the patch embedding, cls token
 * and positions are layer 0, `blocks.i` is layer i + 1, everything after the
 * blocks (final norm, head) is layer L + 1, and layer l gets decay^(L + 1 − l).
 *
 * @param names every parameter name the optimiser will see
 * @param decay in (0, 1]; 1 switches the decay off
 * @param prefix the encoder's name prefix (default `encoder.`); names without it are head parameters (scale 1)
 */
export function vitLayerScales(names: readonly string[], decay: number, prefix = 'encoder.'): (name: string) => number {
  if (!(decay > 0 && decay <= 1)) throw new Error(`layer decay must be in (0, 1], got ${decay}`);
  const blockOf = (name: string): number | undefined => {
    const m = /^blocks\.(\d+)\./.exec(name.slice(prefix.length));
    return name.startsWith(prefix) && m ? Number(m[1]) : undefined;
  };
  const depth = names.reduce((d, n) => Math.max(d, (blockOf(n) ?? -1) + 1), 0);
  return (name: string) => {
    if (!name.startsWith(prefix)) return 1;
    const block = blockOf(name);
    const rest = name.slice(prefix.length);
    const layer = block !== undefined ? block + 1 : /^(cls_token|pos_embed|patch_embed)/.test(rest) ? 0 : depth + 1;
    return decay ** (depth + 1 - layer);
  };
}

/**
 * AdamW with a learning-rate multiplier per parameter group (one `AdamW` per
 * distinct multiplier). The non-finite guard and clipping act on all
 * gradients together, so the groups always step (or skip) as one.
 */
export class GroupedAdamW {
  /** The groups, largest multiplier first. */
  readonly groups: Array<{ scale: number; optimiser: AdamW; names: Set<string> }>;

  constructor(params: Parameter[], options: AdamWOptions, scaleOf: (name: string) => number = () => 1) {
    const byScale = new Map<number, Parameter[]>();
    for (const p of params) {
      const s = scaleOf(p.name);
      if (!(s > 0)) throw new Error(`GroupedAdamW: learning-rate multiplier of '${p.name}' is ${s}`);
      byScale.set(s, [...(byScale.get(s) ?? []), p]);
    }
    this.groups = [...byScale.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([scale, ps]) => ({ scale, optimiser: new AdamW(ps, options), names: new Set(ps.map((p) => p.name)) }));
  }

  /** Every parameter, group by group. */
  get params(): Parameter[] {
    return this.groups.flatMap((g) => g.optimiser.params);
  }

  /** Applied steps. */
  get stepCount(): number {
    return this.groups[0]?.optimiser.stepCount ?? 0;
  }

  /** One update at base rate `lr` (each group at lr · scale). `grads` are not consumed. */
  step(grads: NamedGrads, lr: number): StepReport {
    const gradNorm = globalNorm(grads);
    if (!Number.isFinite(gradNorm)) return { applied: false, gradNorm, reason: `non-finite gradient norm ${gradNorm}`, step: this.stepCount };
    for (const g of this.groups) {
      const own: NamedGrads = {};
      for (const [k, v] of Object.entries(grads)) if (g.names.has(k)) own[k] = v;
      g.optimiser.setLr(lr * g.scale);
      g.optimiser.step(own);
    }
    return { applied: true, gradNorm, step: this.stepCount };
  }

  /** Free every group's moments. */
  dispose(): void {
    for (const g of this.groups) g.optimiser.dispose();
  }
}

/**
 * One step with a {@link GroupedAdamW} (or any optimiser with its `step(grads, lr)` and
 * `stepCount`, such as `Sgd`): loss and gradients, optional clipping
 * of the global norm, update, and disposal of everything created — the
 * counterpart of core's `trainStep`.
 */
export function groupedTrainStep(
  params: Parameter[],
  lossFn: () => tf.Scalar,
  optimiser: Pick<GroupedAdamW, 'step' | 'stepCount'>,
  lr: number,
  maxGradNorm?: number,
): StepReport & { loss: number } {
  const { loss, grads } = namedGradients(params, lossFn);
  const lossValue = loss.dataSync()[0];
  loss.dispose();
  const clipped = maxGradNorm !== undefined ? clipGradNorm(grads, maxGradNorm) : { grads, norm: Number.NaN };
  try {
    if (!Number.isFinite(lossValue))
      return { applied: false, gradNorm: Number.NaN, reason: `non-finite loss ${lossValue}`, step: optimiser.stepCount, loss: lossValue };
    const report = optimiser.step(clipped.grads, lr);
    return { ...report, gradNorm: maxGradNorm !== undefined ? clipped.norm : report.gradNorm, loss: lossValue };
  } finally {
    if (clipped.grads !== grads) disposeGrads(clipped.grads);
    disposeGrads(grads);
  }
}
