/**
 * The ECAMP authors' pre-training CSV: columns `img_path, report, llm_output`
 * (llm_output optional), plus an optional window CSV `label_i, label_j` whose
 * data rows are aligned one-to-one with the main CSV's data rows (the
 * synthetic set writes both; `label_i` is the window's row offset, `label_j`
 * its column offset, each in {0, 1, 2}).
 */
import { dirname } from 'node:path';
import { extractReportSections } from '../text/report.js';
import { readCsvRows } from './csv-read.js';
import { badLogFor, imageOk, resolveUnder } from './common.js';
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

/** Reads the authors' CSV (and window CSV) into pre-training records. */
export function readAuthorsCsv(options: AuthorsCsvOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const file = options.csvPath;
  const root = options.imageRoot ?? dirname(file);
  const labelColumns = options.labelColumns ?? [];
  // Windows are aligned by data-row position, so read them strictly (any bad row breaks alignment).
  let windows: { i: number; j: number }[] | null = null;
  if (options.windowsCsvPath) {
    const wfile = options.windowsCsvPath;
    const { rows } = readCsvRows(wfile, ['label_i', 'label_j'], badLogFor({ onBadSample: 'fail' }));
    windows = rows.map((r) => {
      const i = Number(r.values.label_i);
      const j = Number(r.values.label_j);
      for (const [name, v] of [['label_i', i], ['label_j', j]] as const) {
        if (!Number.isInteger(v) || v < 0 || v > 2) throw new Error(`${wfile}:${r.line} (field "${name}"): window offset must be 0, 1 or 2, got "${r.values[name]}"`);
      }
      return { i, j };
    });
  }
  const { rows, header, recordCount } = readCsvRows(file, ['img_path', 'report', ...labelColumns], bad);
  if (windows && windows.length !== recordCount) {
    throw new Error(`${options.windowsCsvPath}: ${windows.length} window rows but ${file} has ${recordCount} data rows; they must be row-aligned`);
  }
  const hasContext = header.includes('llm_output');
  const out: PretrainRecord[] = [];
  rows.forEach((r) => {
    const imagePath = resolveUnder(root, r.values.img_path.trim());
    if (!r.values.img_path.trim()) return bad.report('missing-field', { file, line: r.line, field: 'img_path' }, 'empty image path');
    const text = extractReportSections(r.values.report).text;
    if (!text) return bad.report('empty-report', { file, line: r.line, field: 'report' }, 'no report text after section extraction');
    let labels: number[] | undefined;
    if (labelColumns.length > 0) {
      labels = labelColumns.map((c) => Number(r.values[c]));
      const badCol = labelColumns.find((c, i) => labels![i] !== 0 && labels![i] !== 1);
      if (badCol) return bad.report('bad-value', { file, line: r.line, field: badCol }, `label must be 0 or 1, got "${r.values[badCol]}"`);
    }
    if (!imageOk(imagePath, options, bad, file, r.line, 'img_path')) return;
    const rec: PretrainRecord = { id: r.values.img_path.trim().replace(/^.*\//, '').replace(/\.[^.]+$/, ''), imagePath, report: text, origin: { file, line: r.line } };
    if (hasContext && r.values.llm_output.trim()) rec.context = r.values.llm_output.trim();
    if (windows) rec.window = windows[r.index];
    if (labels) rec.labels = labels;
    out.push(rec);
  });
  return out;
}
