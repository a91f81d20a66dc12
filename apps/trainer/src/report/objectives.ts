/**
 * What the reports show of the pre-training objectives, read from the objective registry: the
 * loss curves of metrics.jsonl (the weighted total, then each registered objective in registry
 * order) with their names and colours, and the ablation table whose final-loss columns are the
 * objectives'.
 */
import { OBJECTIVES } from '../pretrain/objectives/registry.js';
import { fmt, table, type Cell } from './html.js';
import { numberAt, type JsonObject } from './read-run.js';

/** The objectives' colours, indexed by registry order (MIM blue, MLM green, SR orange). */
const PALETTE = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd', '#8c564b'];

/** One logged loss: its key in metrics.jsonl, short label, a few words on it, and its colour. */
export interface LossCurve {
  key: string;
  label: string;
  brief: string;
  colour: string;
}

/** The total, then every registered objective. */
export const LOSS_CURVES: readonly LossCurve[] = [
  { key: 'total', label: 'total', brief: 'weighted sum', colour: '#222222' },
  ...OBJECTIVES.map((o, k) => ({ key: o.name, label: o.label, brief: o.brief, colour: PALETTE[k % PALETTE.length] })),
];

/**
 * An ablation table (rows of `ablation-<base>.json`): the variant as `variant(row)` shows it,
 * its overrides, the final loss of each registered objective, ms/step and the two AUROCs.
 */
export function ablationTable(caption: string, rows: readonly JsonObject[], variant: (row: JsonObject) => Cell): string {
  const head = ['variant', 'overrides', ...OBJECTIVES.map((o) => `final ${o.label}`), 'ms/step', 'AUROC (pre-trained)', 'AUROC (scratch)'];
  const cells = rows.map((r): Cell[] => [
    variant(r),
    Array.isArray(r.overrides) && r.overrides.length ? r.overrides.join(' ') : 'base',
    ...OBJECTIVES.map((o) => fmt(numberAt(r, `finalLoss.${o.name}`), 4)),
    fmt(r.msPerStep, 0),
    fmt(r.auroc, 4),
    fmt(r.scratchAuroc, 4),
  ]);
  return table(caption, head, cells);
}
