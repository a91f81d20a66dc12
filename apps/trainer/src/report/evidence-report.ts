/**
 * The report of the evidence benchmark's folder (`ecamp ablate --preset evidence`): the grid's
 * description, the mean ± standard deviation table over seeds, and its chart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_NAMES, type Aggregate } from '../evidence/report.js';
import type { EvidenceTask } from '../evidence/grid.js';
import { dataUri, esc, fmtDuration, page, table, type Cell } from './html.js';
import { RunFolderError, type JsonObject } from './read-run.js';

/** The evidence folder as read. */
export interface EvidenceFolder {
  dir: string;
  description?: string;
  rows: { name: string; label: string }[];
  seeds: number[];
  fractions: number[];
  tasks: EvidenceTask[];
  aggregates: Aggregate[];
  cells: number;
  seconds?: number;
  chartSvg?: Uint8Array;
}

/** Whether `dir` looks like an evidence folder (results.json with a grid and aggregates). */
export function isEvidenceFolder(dir: string): boolean {
  const p = join(dir, 'results.json');
  if (!existsSync(p)) return false;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as JsonObject;
    return typeof r.grid === 'object' && Array.isArray(r.aggregates);
  } catch {
    return false;
  }
}

/** Reads results.json (and chart.svg) of an evidence folder; throws naming the file and field. */
export function readEvidenceFolder(dir: string): EvidenceFolder {
  const p = join(dir, 'results.json');
  let r: JsonObject;
  try {
    r = JSON.parse(readFileSync(p, 'utf8')) as JsonObject;
  } catch (e) {
    throw new RunFolderError(`${p} cannot be read as JSON (${(e as Error).message})`);
  }
  const grid = r.grid as JsonObject | undefined;
  if (!grid || !Array.isArray(grid.rows) || !Array.isArray(r.aggregates))
    throw new RunFolderError(`${p} has no "grid.rows" or "aggregates": not an evidence results file`);
  const aggregates = (r.aggregates as Aggregate[]).filter((a) => typeof a === 'object' && a !== null && typeof a.row === 'string');
  const tasks = [...new Set(aggregates.map((a) => a.task))];
  const chart = join(dir, 'chart.svg');
  return {
    dir,
    description: typeof grid.description === 'string' ? grid.description : undefined,
    rows: (grid.rows as JsonObject[]).map((x) => ({ name: String(x.name), label: String(x.label ?? x.name) })),
    seeds: Array.isArray(grid.seeds) ? (grid.seeds as number[]) : [],
    fractions: Array.isArray(grid.fractions) ? (grid.fractions as number[]) : [...new Set(aggregates.map((a) => a.fraction))],
    tasks: (['probe', 'finetune', 'segmentation', 'detection'] as EvidenceTask[]).filter((t) => tasks.includes(t)),
    aggregates,
    cells: Array.isArray(r.results) ? r.results.length : 0,
    seconds: typeof r.seconds === 'number' ? r.seconds : undefined,
    chartSvg: existsSync(chart) ? new Uint8Array(readFileSync(chart)) : undefined,
  };
}

/** One self-contained HTML page for the evidence benchmark. */
export function renderEvidenceReport(e: EvidenceFolder, now = new Date()): string {
  const title = 'ECAMP evidence benchmark';
  const pct = (f: number) => `${+(f * 100).toFixed(2)} %`;
  const columns = e.tasks.flatMap((t) => e.fractions.map((f) => ({ t, f })));
  const cell = (a: Aggregate | undefined): string =>
    !a || !Number.isFinite(a.mean) ? '–' : Number.isFinite(a.std) ? `${a.mean.toFixed(3)} ± ${a.std.toFixed(3)}` : `${a.mean.toFixed(3)} (n=1)`;
  const rows: Cell[][] = e.rows.map((r) => [
    r.label,
    ...columns.map((c) => cell(e.aggregates.find((a) => a.row === r.name && a.task === c.t && a.fraction === c.f))),
  ]);
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="lede">From <code>${esc(e.dir)}</code>. ${esc(e.description ?? '')}</p>`,
    `<p class="explain">Each row adds one ECAMP component to the row above it; each is pre-trained once per seed (${esc(e.seeds.join(', ') || '–')}) and evaluated by up to four downstream protocols with ${esc(e.fractions.map(pct).join(' and '))} of the training labels. ` +
      `Cells show the mean ± sample standard deviation over seeds (higher is better); '–' = not run yet. ${e.cells} cells measured${e.seconds !== undefined ? ` in ${esc(fmtDuration(e.seconds))}` : ''}.</p>`,
    table('Mean ± standard deviation over seeds', ['row', ...columns.map((c) => `${METRIC_NAMES[c.t]} @ ${pct(c.f)}`)], rows),
  ];
  if (e.chartSvg)
    body.push(
      `<figure><img class="chart" src="${dataUri('image/svg+xml', e.chartSvg)}" alt="evidence chart"><figcaption>The same numbers as bars (one panel per protocol, error bars = standard deviation, dots = single seeds).</figcaption></figure>`,
    );
  body.push(`<footer>Written by <code>ecamp report</code> on ${esc(now.toISOString().replace('T', ' ').slice(0, 19))} UTC. One self-contained file.</footer>`);
  return page(title, body.join('\n'));
}
