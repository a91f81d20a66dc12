/**
 * CSV reading with line numbers, required-column checks and per-row recovery,
 * on `@ecamp/io`'s RFC 4180 parser (LF, CRLF and CR line ends, even mixed in one
 * file, and a UTF-8 byte-order mark). It is our own rather than csv-parse's
 * because a bad row must cost exactly that row: csv-parse, after a stray quote
 * behind a closing quote, reads the rest of the file as one quoted field.
 *
 * What happens to bad input:
 * - a row with a quoting error (a quote inside an unquoted field, text after a
 *   closing quote), the wrong number of fields, NUL or control bytes, or bytes
 *   that are not UTF-8 goes to the {@link BadSampleLog} (skip and count, or
 *   fail naming file, line and field); parsing resumes on the next line;
 * - structural faults throw whatever the policy, naming the file and line: a
 *   missing required column, a duplicated column name, a quote that never
 *   closes (every later row would be part of one field), an unreadable, empty,
 *   UTF-16 or binary file.
 */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { textProblem } from '../text/report.js';
import type { BadSampleLog } from './bad-samples.js';
import { parseCsvRecords } from '@ecamp/io';

/** A parsed row with its 1-based line number (of the row's first line). */
export interface CsvRow {
  line: number;
  /** 0-based position among ALL data records, bad ones included (for row-aligned side files). */
  index: number;
  values: Record<string, string>;
}

function decodeFile(file: string): { content: string; utf8: boolean } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read CSV (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new Error(
      `${file}: the file is UTF-16 (byte-order mark ${buf[0].toString(16).toUpperCase()} ${buf[1].toString(16).toUpperCase()}); save it as UTF-8`,
    );
  }
  try {
    return { content: buf.toString('utf8'), utf8: isUtf8(buf) };
  } catch (err) {
    throw new Error(`${file}: cannot read CSV (${buf.length} bytes: ${(err as Error).message})`);
  }
}

/**
 * Reads a CSV with a header. Header names are trimmed (Kaggle's SIIM file has
 * " EncodedPixels"). Bad rows (see the module comment) are reported to `bad`
 * and left out; `index` still counts them, so row-aligned side files stay
 * aligned. `text` (already decoded) replaces reading `file`.
 */
export function readCsvRows(file: string, required: string[], bad: BadSampleLog, text?: string): { header: string[]; rows: CsvRow[]; recordCount: number } {
  const { content, utf8 } = text !== undefined ? { content: text, utf8: true } : decodeFile(file);
  const { records, unclosed } = parseCsvRecords(content);
  // A line of blanks only is an empty line, not a one-field record.
  const recs = records.filter((r) => !(r.fields.length === 1 && !r.error && r.fields[0].trim() === ''));
  if (recs.length === 0) {
    if (unclosed) throw new Error(`${file}:${unclosed.line}: unclosed quote in the header line`);
    throw new Error(`${file}: empty CSV (no header)`);
  }
  const head = recs[0];
  if (head.error) {
    const on = head.error.line !== head.line ? `, on line ${head.error.line}` : '';
    throw new Error(`${file}:${head.line}: malformed header (column ${head.error.field + 1}${on}): ${head.error.message}`);
  }
  if (head.fields.some((h) => h.includes('\0')))
    throw new Error(`${file}:${head.line}: the header holds NUL bytes: not a UTF-8 text CSV (UTF-16 without a byte-order mark, or binary)`);
  const header = head.fields.map((h) => h.trim());
  const firstAt = new Map<string, number>();
  header.forEach((h, i) => {
    if (h && firstAt.has(h)) throw new Error(`${file}:${head.line}: column "${h}" appears twice in the header (columns ${firstAt.get(h)! + 1} and ${i + 1})`);
    firstAt.set(h, i);
  });
  for (const col of required) {
    if (!header.includes(col)) throw new Error(`${file}:${head.line}: missing column "${col}" (header: ${header.join(', ')})`);
  }
  const fieldName = (k: number) => header[k] || `column ${k + 1}`;
  if (unclosed) {
    throw new Error(
      `${file}:${unclosed.line} (field "${fieldName(unclosed.field)}"): unclosed quote: the quoted field that opens on line ${unclosed.line} never closes, ` +
        `so every later line would be part of it; fix the quoting (a quote inside a quoted field must be doubled: "")`,
    );
  }
  const rows: CsvRow[] = [];
  for (let k = 1; k < recs.length; k++) {
    const { fields, line, error } = recs[k];
    if (error) {
      const at = error.line !== line ? ` (on line ${error.line})` : '';
      bad.report('unreadable-row', { file, line, field: fieldName(error.field) }, `${error.message}${at}`);
      continue;
    }
    if (fields.length !== header.length) {
      bad.report('unreadable-row', { file, line }, `${fields.length} fields, header has ${header.length}`);
      continue;
    }
    let problem: { field: number; what: string } | null = null;
    for (let i = 0; i < fields.length && !problem; i++) {
      const what = textProblem(fields[i], !utf8);
      if (what) problem = { field: i, what };
    }
    if (problem) {
      bad.report('binary-data', { file, line, field: fieldName(problem.field) }, problem.what);
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = fields[i]));
    rows.push({ line, index: k - 1, values });
  }
  return { header, rows, recordCount: recs.length - 1 };
}
