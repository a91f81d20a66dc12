/**
 * The authors' window CSV: one row per training example, columns `label_i` (row of the
 * window's top-left cell) and `label_j` (column), in the row order of the training CSV.
 * Other columns (an index, an image path) are kept and may be used as keys. The reader
 * validates every value against the geometry and names file and line on error; the
 * writer is atomic and durable (`@ecamp/io`'s `writeFileAtomic`).
 */
import { readFile } from 'node:fs/promises';
import { csvField, parseCsv, writeFileAtomic } from '@ecamp/io';
import { ECAMP_WINDOW_GEOMETRY, positionsPerAxis, validateGeometry, type ContextWindow, type WindowGeometry } from './grid.js';

/** One row of a window CSV. */
export interface WindowCsvRow extends ContextWindow {
  /** 1-based line in the file. */
  line: number;
  /** Every column of the row by header name, including `label_i` and `label_j`. */
  fields: Record<string, string>;
}

/** Parses window-CSV text; `source` names the file in errors. */
export function parseWindowCsv(text: string, source = 'window csv', geometry: WindowGeometry = ECAMP_WINDOW_GEOMETRY): WindowCsvRow[] {
  validateGeometry(geometry);
  const records = parseCsv(text, source);
  if (records.length === 0) throw new Error(`${source}: empty file, expected a header with label_i and label_j`);
  const header = records[0].fields.map((h) => h.trim());
  const iCol = header.indexOf('label_i');
  const jCol = header.indexOf('label_j');
  if (iCol < 0 || jCol < 0) {
    throw new Error(`${source}:${records[0].line}: header must have columns label_i and label_j, got ${header.join(', ')}`);
  }
  const max = positionsPerAxis(geometry) - 1;
  const rows: WindowCsvRow[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.length) {
      throw new Error(`${source}:${rec.line}: ${rec.fields.length} fields, the header has ${header.length}`);
    }
    const cell = (col: number): number => {
      const raw = rec.fields[col].trim();
      // Accept "2" and pandas' "2.0"; reject anything that is not a whole number in range.
      const v = Number(raw);
      if (raw === '' || !Number.isInteger(v) || v < 0 || v > max) {
        throw new Error(`${source}:${rec.line}: ${header[col]} must be an integer in 0..${max}, got "${rec.fields[col]}"`);
      }
      return v;
    };
    const fields: Record<string, string> = {};
    header.forEach((h, k) => (fields[h] = rec.fields[k]));
    rows.push({ line: rec.line, i: cell(iCol), j: cell(jCol), fields });
  }
  return rows;
}

/** Reads and validates a window CSV file. */
export async function readWindowCsv(path: string, geometry: WindowGeometry = ECAMP_WINDOW_GEOMETRY): Promise<WindowCsvRow[]> {
  return parseWindowCsv(await readFile(path, 'utf8'), path, geometry);
}

/** A row to write: the window plus optional extra columns (e.g. `img_path`), written first. */
export interface WindowCsvEntry extends ContextWindow {
  extra?: Record<string, string>;
}

/** Renders rows in the authors' format: extra columns (from the first row), then `label_i,label_j`. */
export function formatWindowCsv(entries: readonly WindowCsvEntry[]): string {
  const extraCols = Object.keys(entries[0]?.extra ?? {});
  const lines = [[...extraCols, 'label_i', 'label_j'].join(',')];
  entries.forEach((e, k) => {
    const keys = Object.keys(e.extra ?? {});
    if (keys.length !== extraCols.length || keys.some((c) => !extraCols.includes(c))) {
      throw new Error(`formatWindowCsv: entry ${k} has columns [${keys.join(', ')}], expected [${extraCols.join(', ')}]`);
    }
    lines.push([...extraCols.map((c) => csvField(e.extra![c])), String(e.i), String(e.j)].join(','));
  });
  return lines.join('\n') + '\n';
}

/** Writes a window CSV atomically and durably (temp file, fsync, rename), creating the folder. */
export async function writeWindowCsv(path: string, entries: readonly WindowCsvEntry[]): Promise<void> {
  writeFileAtomic(path, formatWindowCsv(entries));
}
