/**
 * CSV reading with line numbers and required-column checks, on csv-parse.
 * A missing required column is a structural error and always throws (naming
 * the file and the column); a row that cannot be parsed goes to the
 * {@link BadSampleLog}.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { BadSampleLog } from './bad-samples.js';

/** A parsed row with its 1-based line number (of the row's first line). */
export interface CsvRow {
  line: number;
  /** 0-based position among ALL data records, bad ones included (for row-aligned side files). */
  index: number;
  values: Record<string, string>;
}

/**
 * Reads a CSV with a header. Header names are trimmed (Kaggle's SIIM file has
 * " EncodedPixels"). Rows with the wrong number of fields are reported to
 * `bad` as unreadable and left out.
 */
export function readCsvRows(file: string, required: string[], bad: BadSampleLog, text?: string): { header: string[]; rows: CsvRow[]; recordCount: number } {
  let content: string;
  try {
    content = text ?? readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read CSV (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(content, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as never;
  } catch (err) {
    throw new Error(`${file}: malformed CSV (${(err as Error).message})`);
  }
  if (records.length === 0) throw new Error(`${file}: empty CSV (no header)`);
  const header = records[0].record.map((h) => h.trim());
  for (const col of required) {
    if (!header.includes(col)) throw new Error(`${file}: missing column "${col}" (header: ${header.join(', ')})`);
  }
  const rows: CsvRow[] = [];
  let prevEnd = records[0].info.lines;
  for (let k = 1; k < records.length; k++) {
    const { record, info } = records[k];
    // info.lines is the line where the record ENDS; a quoted field may span several lines.
    const line = prevEnd + 1;
    prevEnd = info.lines;
    if (record.length !== header.length) {
      bad.report('unreadable-row', { file, line }, `${record.length} fields, header has ${header.length}`);
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = record[i]));
    rows.push({ line, index: k - 1, values });
  }
  return { header, rows, recordCount: records.length - 1 };
}
