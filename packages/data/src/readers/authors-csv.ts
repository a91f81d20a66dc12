/**
 * The ECAMP authors' pre-training CSV: columns `img_path, report, llm_output`
 * (llm_output optional), plus an optional window CSV `label_i, label_j` whose
 * data rows are aligned one-to-one with the main CSV's data rows (the
 * synthetic set writes both; `label_i` is the window's row offset, `label_j`
 * its column offset, each in {0, 1, 2}). A bad window row leaves out the
 * sample at its position; a window CSV with another number of rows is an
 * error. A second row for the same image is a duplicate (the first is kept).
 */
import { dirname } from 'node:path';
import { extractReportSections } from '../text/report.js';
import type { ContextWindow } from '../synth/window.js';
import type { BadSampleLog } from './bad-samples.js';
import { readCsvRows } from './csv-read.js';
import { badLogFor, FirstRows, imageOk, resolveUnder } from './common.js';
import type { PretrainRecord, ReaderOptions } from './types.js';

/** Options of {@link readAuthorsCsv}. */
export interface AuthorsCsvOptions extends ReaderOptions {
  /** The CSV with `img_path, report[, llm_output]`. */
  csvPath: string;
  /** Folder that `img_path` is relative to (default: the CSV's folder). */
  imageRoot?: string;
  /** Window CSV `label_i, label_j`, row-aligned. */
  windowsCsvPath?: string;
  /** Columns to read as multi-hot labels (0/1), in order. */
  labelColumns?: string[];
}

/** A label cell: exactly 0 or 1 (`1.0` as pandas writes it is fine; empty is not). */
function parseLabel(text: string): number {
  const t = text.trim();
  return t === '' ? NaN : Number(t);
}

/**
 * Reads the window CSV into one entry per data record (null where the row is
 * bad: reported to `bad`, and the pre-training row at that position is then
 * left out). Offsets must be the integers 0, 1 or 2.
 */
function readWindows(wfile: string, bad: BadSampleLog): { windows: (ContextWindow | null)[]; recordCount: number } {
  const { rows, recordCount } = readCsvRows(wfile, ['label_i', 'label_j'], bad);
  const windows: (ContextWindow | null)[] = new Array<ContextWindow | null>(recordCount).fill(null);
  for (const r of rows) {
    const [i, j] = (['label_i', 'label_j'] as const).map((name) => {
      const t = r.values[name].trim();
      const v = /^[+-]?\d+(\.0*)?$/.test(t) ? Number(t) : NaN;
      if (!(v >= 0 && v <= 2)) {
        bad.report('bad-value', { file: wfile, line: r.line, field: name }, `window offset must be 0, 1 or 2, got "${r.values[name]}"`);
        return NaN;
      }
      return v;
    });
    if (Number.isNaN(i) || Number.isNaN(j)) continue;
    windows[r.index] = { i, j };
  }
  return { windows, recordCount };
}

/** Reads the authors' CSV (and window CSV) into pre-training records. */
export function readAuthorsCsv(options: AuthorsCsvOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const file = options.csvPath;
  const root = options.imageRoot ?? dirname(file);
  const labelColumns = options.labelColumns ?? [];
  // Windows are aligned by data-record position (bad records included), so a bad window row costs only its own sample.
  const win = options.windowsCsvPath ? readWindows(options.windowsCsvPath, bad) : null;
  const { rows, header, recordCount } = readCsvRows(file, ['img_path', 'report', ...labelColumns], bad);
  if (win && win.recordCount !== recordCount) {
    throw new Error(`${options.windowsCsvPath}: ${win.recordCount} window rows but ${file} has ${recordCount} data rows; they must be row-aligned`);
  }
  const hasContext = header.includes('llm_output');
  const seen = new FirstRows(bad);
  const out: PretrainRecord[] = [];
  rows.forEach((r) => {
    const rel = r.values.img_path.trim();
    if (!rel) return bad.report('missing-field', { file, line: r.line, field: 'img_path' }, 'empty image path');
    const imagePath = resolveUnder(root, rel);
    const text = extractReportSections(r.values.report).text;
    if (!text) return bad.report('empty-report', { file, line: r.line, field: 'report' }, 'no report text after section extraction');
    let labels: number[] | undefined;
    if (labelColumns.length > 0) {
      labels = labelColumns.map((c) => parseLabel(r.values[c]));
      const badCol = labelColumns.find((c, i) => labels![i] !== 0 && labels![i] !== 1);
      if (badCol) return bad.report('bad-value', { file, line: r.line, field: badCol }, `label must be 0 or 1, got "${r.values[badCol]}"`);
    }
    if (win && !win.windows[r.index]) return; // its window row was bad (already reported)
    if (!seen.isFirst(imagePath, { file, line: r.line, field: 'img_path' })) return;
    if (!imageOk(imagePath, options, bad, file, r.line, 'img_path')) return;
    const rec: PretrainRecord = { id: rel.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''), imagePath, report: text, origin: { file, line: r.line } };
    if (hasContext && r.values.llm_output.trim()) rec.context = r.values.llm_output.trim();
    if (win) rec.window = win.windows[r.index]!;
    if (labels) rec.labels = labels;
    out.push(rec);
  });
  return out;
}
