/**
 * The evidence benchmark's outputs: per-cell results aggregated over seeds
 * (mean ± sample standard deviation), a Markdown table, and an SVG chart with
 * one panel per metric, one bar per row and fraction, error bars and the
 * individual seeds as dots.
 */
import type { EvidenceTask } from './grid.js';

/** One measured value: a row, a seed, a protocol and a label fraction. */
export interface CellResult {
  row: string;
  seed: number;
  task: EvidenceTask;
  fraction: number;
  /** The protocol's metric (AUROC, Dice on images with the finding, mAP). */
  value: number;
  /** Seconds the evaluation took. */
  seconds: number;
  /** Protocol-specific extras (per-label AUROC, all-image Dice, …). */
  extra?: Record<string, unknown>;
  /** The grid's settings of the task when the cell was scored: a rerun recomputes the cell when they differ. */
  settings?: Record<string, unknown>;
}

/** Seeds of one (row, task, fraction) summarised. */
export interface Aggregate {
  row: string;
  task: EvidenceTask;
  fraction: number;
  mean: number;
  /** Sample standard deviation over seeds (NaN for one seed). */
  std: number;
  values: number[];
}

/** What each protocol's value is. */
export const METRIC_NAMES: Record<EvidenceTask, string> = {
  probe: 'linear-probe AUROC',
  finetune: 'fine-tune AUROC',
  segmentation: 'segmentation Dice',
  detection: 'detection mAP',
};

/** Groups results by (row, task, fraction) and summarises the seeds, in the given row order. */
export function aggregate(results: readonly CellResult[], rows: readonly string[]): Aggregate[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of results) {
    const key = `${r.row}\u0000${r.task}\u0000${r.fraction}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: Aggregate[] = [];
  for (const [, cells] of groups) {
    const values = cells.map((c) => c.value).filter((v) => !Number.isNaN(v));
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
    const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : Number.NaN;
    out.push({ row: cells[0].row, task: cells[0].task, fraction: cells[0].fraction, mean, std, values });
  }
  const rank = (r: string) => {
    const i = rows.indexOf(r);
    return i < 0 ? rows.length : i;
  };
  return out.sort((a, b) => rank(a.row) - rank(b.row) || a.task.localeCompare(b.task) || a.fraction - b.fraction);
}

/** The paired difference of two rows over the seeds they share (same seed: same fraction subset, init and test set). */
export interface Contrast {
  /** Row a − row b. */
  a: string;
  b: string;
  task: EvidenceTask;
  fraction: number;
  mean: number;
  /** Sample standard deviation of the per-seed differences (NaN for one seed). */
  std: number;
  /** Per-seed differences, in seed order. */
  differences: number[];
  /** Seeds where a > b. */
  wins: number;
}

/**
 * Per-seed differences a − b of every (task, fraction) both rows have. Pairing by seed removes
 * what the rows share — the label subset, the MAE start, the test images — so component effects
 * smaller than the spread between seeds can still show.
 */
export function pairedContrasts(results: readonly CellResult[], pairs: readonly (readonly [string, string])[]): Contrast[] {
  const out: Contrast[] = [];
  const key = (r: CellResult) => `${r.task}\u0000${r.fraction}\u0000${r.seed}`;
  for (const [a, b] of pairs) {
    const bs = new Map(results.filter((r) => r.row === b).map((r) => [key(r), r.value]));
    const groups = new Map<string, { task: EvidenceTask; fraction: number; diffs: [number, number][] }>();
    for (const r of results.filter((x) => x.row === a)) {
      const vb = bs.get(key(r));
      if (vb === undefined || Number.isNaN(vb) || Number.isNaN(r.value)) continue;
      const g = `${r.task}\u0000${r.fraction}`;
      if (!groups.has(g)) groups.set(g, { task: r.task, fraction: r.fraction, diffs: [] });
      groups.get(g)!.diffs.push([r.seed, r.value - vb]);
    }
    for (const g of groups.values()) {
      const differences = g.diffs.sort((x, y) => x[0] - y[0]).map((d) => d[1]);
      const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
      const std = differences.length > 1 ? Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (differences.length - 1)) : Number.NaN;
      out.push({ a, b, task: g.task, fraction: g.fraction, mean, std, differences, wins: differences.filter((d) => d > 0).length });
    }
  }
  return out;
}

/** Markdown table of contrasts: one line per pair, "mean ± std (wins/seeds)" per (protocol, fraction). */
export function formatContrastTable(
  contrasts: readonly Contrast[],
  pairs: readonly { a: string; b: string; label: string }[],
  tasks: readonly EvidenceTask[],
  fractions: readonly number[],
): string {
  const columns = tasks.flatMap((t) => fractions.map((f) => ({ t, f })));
  const head = `| contrast (paired by seed) | ${columns.map((c) => `${METRIC_NAMES[c.t]} @ ${pct(c.f)}`).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const sign = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
  const lines = pairs.map((p) => {
    const cells = columns.map((c) => {
      const x = contrasts.find((k) => k.a === p.a && k.b === p.b && k.task === c.t && k.fraction === c.f);
      if (!x) return '–';
      return `${sign(x.mean)}${Number.isNaN(x.std) ? '' : ` ± ${x.std.toFixed(3)}`} (${x.wins}/${x.differences.length})`;
    });
    return `| ${p.label} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

const pct = (f: number) => `${+(f * 100).toFixed(2)} %`;

function cell(a: Aggregate | undefined): string {
  if (!a || Number.isNaN(a.mean)) return '–';
  return Number.isNaN(a.std) ? `${a.mean.toFixed(3)} (n=1)` : `${a.mean.toFixed(3)} ± ${a.std.toFixed(3)}`;
}

/**
 * Markdown table: one line per row, one column per (protocol, fraction), "mean ± std" over
 * seeds; `labels` names the rows.
 */
export function formatEvidenceTable(
  aggs: readonly Aggregate[],
  rows: readonly { name: string; label: string }[],
  tasks: readonly EvidenceTask[],
  fractions: readonly number[],
): string {
  const columns = tasks.flatMap((t) => fractions.map((f) => ({ t, f })));
  const head = `| row | ${columns.map((c) => `${METRIC_NAMES[c.t]} @ ${pct(c.f)}`).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const lines = rows.map(
    (r) => `| ${r.label} | ${columns.map((c) => cell(aggs.find((a) => a.row === r.name && a.task === c.t && a.fraction === c.f))).join(' | ')} |`,
  );
  return [head, rule, ...lines].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An SVG chart: one panel per protocol; in each, one group per row with one bar per fraction
 * (mean over seeds), a ±1 std whisker, and a dot per seed. The x axis of a panel spans the
 * range of its values (with a margin), so small differences stay visible; it is labelled.
 */
export function evidenceChartSvg(
  aggs: readonly Aggregate[],
  rows: readonly { name: string; label: string }[],
  tasks: readonly EvidenceTask[],
  fractions: readonly number[],
  title: string,
): string {
  const colours = ['#4c72b0', '#dd8452', '#55a868', '#c44e52'];
  // Room for the longest row label (≈ 6.2 px per character at 11 px).
  const labelW = Math.max(160, Math.ceil(16 + 6.2 * Math.max(...rows.map((r) => r.label.length))));
  const panelW = 260;
  const gap = 30;
  const barH = 9;
  const groupH = fractions.length * (barH + 2) + 8;
  const top = 56;
  const plotH = rows.length * groupH;
  const width = labelW + tasks.length * (panelW + gap) + 10;
  const height = top + plotH + 56;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  fractions.forEach((f, k) => {
    const x = 10 + k * 110;
    parts.push(`<rect x="${x}" y="32" width="10" height="10" fill="${colours[k % colours.length]}"/><text x="${x + 14}" y="41">${pct(f)} labels</text>`);
  });
  rows.forEach((r, i) => {
    parts.push(`<text x="${labelW - 8}" y="${top + i * groupH + groupH / 2 + 3}" text-anchor="end">${escapeXml(r.label)}</text>`);
  });
  tasks.forEach((t, p) => {
    const x0 = labelW + p * (panelW + gap);
    const mine = aggs.filter((a) => a.task === t && !Number.isNaN(a.mean));
    const all = mine.flatMap((a) => [...a.values, a.mean - (Number.isNaN(a.std) ? 0 : a.std), a.mean + (Number.isNaN(a.std) ? 0 : a.std)]);
    let lo = all.length ? Math.min(...all) : 0;
    let hi = all.length ? Math.max(...all) : 1;
    const pad = Math.max(0.01, (hi - lo) * 0.08);
    lo = Math.max(0, lo - pad);
    hi = Math.min(1, hi + pad);
    if (hi <= lo) hi = lo + 0.01;
    const sx = (v: number) => x0 + ((v - lo) / (hi - lo)) * panelW;
    parts.push(`<text x="${x0 + panelW / 2}" y="${top - 6}" text-anchor="middle" font-weight="bold">${escapeXml(METRIC_NAMES[t])}</text>`);
    parts.push(`<rect x="${x0}" y="${top}" width="${panelW}" height="${plotH}" fill="none" stroke="#999"/>`);
    for (let k = 0; k <= 4; k++) {
      const v = lo + ((hi - lo) * k) / 4;
      const x = sx(v);
      parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#eee"/>`);
      parts.push(`<text x="${x}" y="${top + plotH + 14}" text-anchor="middle" fill="#555">${v.toFixed(3)}</text>`);
    }
    rows.forEach((r, i) => {
      fractions.forEach((f, k) => {
        const a = mine.find((m) => m.row === r.name && m.fraction === f);
        if (!a) return;
        const y = top + i * groupH + 4 + k * (barH + 2);
        const colour = colours[k % colours.length];
        parts.push(`<rect x="${x0}" y="${y}" width="${Math.max(0, sx(a.mean) - x0)}" height="${barH}" fill="${colour}" opacity="0.75"/>`);
        if (!Number.isNaN(a.std)) {
          const cy = y + barH / 2;
          parts.push(`<line x1="${sx(a.mean - a.std)}" y1="${cy}" x2="${sx(a.mean + a.std)}" y2="${cy}" stroke="black"/>`);
        }
        for (const v of a.values) parts.push(`<circle cx="${sx(v)}" cy="${y + barH / 2}" r="1.8" fill="black"/>`);
      });
    });
  });
  parts.push(
    `<text x="10" y="${height - 12}" fill="#555">Bars: mean over seeds; whiskers: ±1 standard deviation; dots: single seeds. Each panel's axis spans its own range.</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
