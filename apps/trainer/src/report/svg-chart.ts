/**
 * Inline SVG charts for the report (no script, no library): line charts with a second y axis
 * and grouped bar charts, each with a title, axis labels and a legend.
 */
import { esc } from './html.js';

/** One line of a {@link lineChart}. */
export interface LineSeries {
  name: string;
  /** [x, y] pairs; non-finite y leave a gap. */
  points: readonly (readonly [number, number])[];
  colour: string;
  /** Which y axis (default left). */
  axis?: 'left' | 'right';
  dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Label of the right axis (needed when a series uses it). */
  rightLabel?: string;
  width?: number;
  height?: number;
  /** Logarithmic left axis (values ≤ 0 are left out). */
  logY?: boolean;
}

/** Round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10ⁿ). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // Integer multiples of the step, rounded to 12 significant digits (no accumulated 0.6000000000000001).
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** Tick text: as few decimals as the step needs. */
export function tickLabel(v: number, step: number): string {
  if (v === 0) return '0';
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(1);
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step > 0 ? step : 1))));
  return v.toFixed(decimals);
}

function domain(values: number[], log: boolean): [number, number] | undefined {
  const vs = values.filter((v) => Number.isFinite(v) && (!log || v > 0)).map((v) => (log ? Math.log10(v) : v));
  if (!vs.length) return undefined;
  let lo = Math.min(...vs);
  let hi = Math.max(...vs);
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

/**
 * A line chart as an `<svg>` string. Each series is a `<path data-series="name" data-points="n">`
 * (points joined, broken at gaps) plus a dot when it has a single point.
 */
export function lineChart(series: readonly LineSeries[], o: LineChartOptions): string {
  const W = o.width ?? 600;
  const H = o.height ?? 320;
  const hasRight = series.some((s) => s.axis === 'right' && s.points.length > 0);
  const m = { left: 66, right: hasRight ? 70 : 20, top: 52, bottom: 46 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).filter(Number.isFinite);
  const left = series.filter((s) => s.axis !== 'right');
  const right = series.filter((s) => s.axis === 'right');
  const ly = domain(
    left.flatMap((s) => s.points.map((p) => p[1])),
    o.logY ?? false,
  );
  const ry = domain(
    right.flatMap((s) => s.points.map((p) => p[1])),
    false,
  );
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  parts.push(`<title>${esc(o.title)}</title><rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${m.left}" y="18" font-size="14" font-weight="600">${esc(o.title)}</text>`);
  if (!xs.length || (!ly && !ry)) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#777">no data logged</text></svg>`);
    return parts.join('');
  }
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x1 === x0) {
    x0 -= 1;
    x1 += 1;
  }
  const X = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const Y = (d: [number, number], v: number) => m.top + ph - ((v - d[0]) / (d[1] - d[0])) * ph;
  // frame, x ticks
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#bbb"/>`);
  const xt = niceTicks(x0, x1, 6).filter((v) => v >= x0 && v <= x1);
  const xstep = xt.length > 1 ? xt[1] - xt[0] : 1;
  for (const v of xt) {
    parts.push(
      `<line x1="${X(v)}" x2="${X(v)}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#888"/><text x="${X(v)}" y="${m.top + ph + 16}" text-anchor="middle">${tickLabel(v, xstep)}</text>`,
    );
  }
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#333">${esc(o.xLabel)}</text>`);
  const axis = (d: [number, number], side: 'left' | 'right', label: string, log: boolean) => {
    const ticks = log ? niceTicks(d[0], d[1], 5).filter((v) => Number.isInteger(v) || d[1] - d[0] < 2) : niceTicks(d[0], d[1], 5);
    const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    const xa = side === 'left' ? m.left : m.left + pw;
    for (const v of ticks.filter((t) => t >= d[0] && t <= d[1])) {
      const y = Y(d, v);
      const text = log ? tickLabel(10 ** v, 10 ** v) : tickLabel(v, step);
      if (side === 'left') parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
      parts.push(`<text x="${side === 'left' ? xa - 6 : xa + 6}" y="${y + 4}" text-anchor="${side === 'left' ? 'end' : 'start'}">${text}</text>`);
    }
    const cx = side === 'left' ? 14 : W - 10;
    parts.push(`<text transform="translate(${cx} ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(label)}</text>`);
  };
  if (ly) axis(ly, 'left', o.yLabel + (o.logY ? ' (log scale)' : ''), o.logY ?? false);
  if (ry) axis(ry, 'right', o.rightLabel ?? '', false);
  // series
  for (const s of series) {
    const d = s.axis === 'right' ? ry : ly;
    if (!d) continue;
    const log = s.axis !== 'right' && (o.logY ?? false);
    const pts = s.points.filter((p) => Number.isFinite(p[0]));
    let path = '';
    let pen = false;
    let drawn = 0;
    for (const [x, y] of pts) {
      if (!Number.isFinite(y) || (log && y <= 0)) {
        pen = false;
        continue;
      }
      const v = log ? Math.log10(y) : y;
      path += `${pen ? 'L' : 'M'}${X(x).toFixed(1)} ${Y(d, v).toFixed(1)} `;
      pen = true;
      drawn++;
    }
    parts.push(
      `<path data-series="${esc(s.name)}" data-points="${drawn}" d="${path.trim()}" fill="none" stroke="${esc(s.colour)}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    if (drawn === 1) {
      const [x, y] = pts.find((p) => Number.isFinite(p[1]))!;
      parts.push(`<circle cx="${X(x)}" cy="${Y(d, log ? Math.log10(y) : y)}" r="3" fill="${esc(s.colour)}"/>`);
    }
  }
  // legend
  let lx = m.left;
  for (const s of series) {
    const label = s.name + (s.axis === 'right' && hasRight ? ' (right axis)' : '');
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="36" y2="36" stroke="${esc(s.colour)}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    parts.push(`<text x="${lx + 22}" y="40">${esc(label)}</text>`);
    lx += 30 + label.length * 6.2;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** One group of bars of a {@link barChart} (one bar per category). */
export interface BarGroup {
  name: string;
  values: readonly number[];
  colour: string;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  valueLabel: string;
  /** Value range of the axis (default [0, max]). */
  domain?: [number, number];
  /** A vertical reference line (e.g. AUROC 0.5 = chance) and its label. */
  reference?: { value: number; label: string };
  width?: number;
}

/** Horizontal grouped bars, one row per category: `<rect data-group data-category data-value>`. */
export function barChart(categories: readonly string[], groups: readonly BarGroup[], o: BarChartOptions): string {
  const W = o.width ?? 600;
  const barH = 10;
  const rowH = groups.length * barH + 8;
  const m = { left: 170, right: 24, top: 48, bottom: 40 };
  const H = m.top + m.bottom + rowH * categories.length;
  const pw = W - m.left - m.right;
  const all = groups.flatMap((g) => g.values).filter(Number.isFinite);
  const [d0, d1] = o.domain ?? [0, Math.max(1e-9, ...all)];
  const X = (v: number) => m.left + ((Math.min(d1, Math.max(d0, v)) - d0) / (d1 - d0)) * pw;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  parts.push(`<title>${esc(o.title)}</title><rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="10" y="18" font-size="14" font-weight="600">${esc(o.title)}</text>`);
  let lx = m.left;
  for (const g of groups) {
    parts.push(`<rect x="${lx}" y="28" width="12" height="10" fill="${esc(g.colour)}"/><text x="${lx + 16}" y="37">${esc(g.name)}</text>`);
    lx += 30 + g.name.length * 6.2;
  }
  const ticks = niceTicks(d0, d1, 5);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  for (const v of ticks.filter((t) => t >= d0 && t <= d1)) {
    parts.push(
      `<line x1="${X(v)}" x2="${X(v)}" y1="${m.top - 4}" y2="${H - m.bottom}" stroke="#eee"/><text x="${X(v)}" y="${H - m.bottom + 14}" text-anchor="middle">${tickLabel(v, step)}</text>`,
    );
  }
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#333">${esc(o.valueLabel)}</text>`);
  categories.forEach((c, i) => {
    const y = m.top + i * rowH;
    parts.push(`<text x="${m.left - 6}" y="${y + rowH / 2 + 2}" text-anchor="end">${esc(c)}</text>`);
    groups.forEach((g, k) => {
      const v = g.values[i];
      const w = Number.isFinite(v) ? X(v) - m.left : 0;
      parts.push(
        `<rect data-group="${esc(g.name)}" data-category="${esc(c)}" data-value="${Number.isFinite(v) ? v : ''}" x="${m.left}" y="${y + 4 + k * barH}" width="${w.toFixed(1)}" height="${barH - 1}" fill="${esc(g.colour)}"/>`,
      );
    });
  });
  if (o.reference) {
    const x = X(o.reference.value);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${m.top - 4}" y2="${H - m.bottom}" stroke="#555" stroke-dasharray="4 3"/><text x="${x + 4}" y="${m.top - 6}" fill="#555">${esc(o.reference.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
