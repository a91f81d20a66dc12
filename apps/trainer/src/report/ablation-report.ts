/**
 * The report of an ablation (`<outDir>/ablation-<base>.json`, written by `ecamp ablate`): the
 * table of variants and their training curves side by side, read from each variant's run folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { esc, page, type Cell } from './html.js';
import { ablationTable, LOSS_CURVES } from './objectives.js';
import { readRunFolder, RunFolderError, type JsonObject, type RunFolder } from './read-run.js';
import { lineChart, type LineSeries } from './svg-chart.js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** An ablation table read from its JSON file, with the variants' run folders that exist. */
export interface AblationFolder {
  file: string;
  base: string;
  rows: JsonObject[];
  runs: Map<string, RunFolder>;
  issues: string[];
}

/** Reads `ablation-<base>.json` and the run folders `<base>-<variant>` beside it. */
export function readAblation(file: string): AblationFolder {
  const name = basename(file);
  const m = /^ablation-(.+)\.json$/.exec(name);
  if (!m) throw new RunFolderError(`${file} is not an ablation table (expected <outDir>/ablation-<name>.json, written by 'ecamp ablate')`);
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunFolderError(`${file} cannot be read as JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(rows) || !rows.every((r) => typeof r === 'object' && r !== null && typeof (r as JsonObject).variant === 'string')) {
    throw new RunFolderError(`${file} is not an ablation table: expected a JSON array of rows with a "variant" field`);
  }
  const base = m[1];
  const runs = new Map<string, RunFolder>();
  const issues: string[] = [];
  for (const r of rows as JsonObject[]) {
    const dir = join(dirname(file), `${base}-${String(r.variant)}`);
    if (!existsSync(dir)) {
      issues.push(`run folder ${dir} of variant '${String(r.variant)}' is missing: no curves for it`);
      continue;
    }
    try {
      runs.set(String(r.variant), readRunFolder(dir));
    } catch (e) {
      issues.push((e as Error).message);
    }
  }
  return { file, base, rows: rows as JsonObject[], runs, issues };
}

/** One self-contained HTML page for an ablation. */
export function renderAblationReport(a: AblationFolder, now = new Date()): string {
  const title = `ECAMP ablation report: ${a.base}`;
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  body.push(
    `<p class="lede">From <code>${esc(a.file)}</code>: the same base configuration run once per variant, each variant changing a few settings (its overrides). ` +
      `Compare AUROC between variants; compare final losses only between variants that train the same objectives (switching one off removes its loss).</p>`,
  );
  const link = (r: JsonObject): Cell => {
    const v = String(r.variant);
    return a.runs.has(v) && existsSync(join(a.runs.get(v)!.dir, 'report.html')) ? { html: `<a href="${esc(`${a.base}-${v}/report.html`)}">${esc(v)}</a>` } : v;
  };
  body.push(`<h2>Variants</h2>`);
  body.push(
    ablationTable(
      'Ablation variants (final loss = mean of the last step; AUROC of the linear probe on the test images; scratch = randomly initialised encoder, computed once)',
      a.rows,
      link,
    ),
  );
  body.push(
    `<h2>Training curves of the variants</h2><p class="explain">One line per variant. Each chart is one objective's loss per optimiser step (lower is better); a variant that switched the objective off has no line there.</p><div class="charts">`,
  );
  for (const { key, label, brief } of LOSS_CURVES) {
    const s: LineSeries[] = [];
    [...a.runs.entries()].forEach(([v, run], k) => {
      const pts = run.metrics.filter((m) => key in m.values).map((m) => [m.step, m.values[key]] as [number, number]);
      if (pts.length) s.push({ name: v, points: pts, colour: PALETTE[k % PALETTE.length] });
    });
    const title = `${label[0].toUpperCase()}${label.slice(1)} loss (${brief})`;
    if (s.length) body.push(`<figure>${lineChart(s, { title, xLabel: 'optimiser step', yLabel: 'loss', width: 600, height: 320 })}</figure>`);
  }
  body.push('</div>');
  if (a.issues.length) body.push(`<h2>What the report could not use</h2><ul>${a.issues.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`);
  body.push(
    `<footer>Written by <code>ecamp report</code> on ${esc(now.toISOString().replace('T', ' ').slice(0, 19))} UTC. One self-contained file; the variant names link to their own reports where those exist.</footer>`,
  );
  return page(title, body.join('\n'));
}
