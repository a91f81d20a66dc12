/**
 * CSV reading with line numbers, required-column checks and per-row recovery.
 *
 * The parser is RFC 4180 (comma, `"` quoting with `""` escapes, fields that
 * span lines) and accepts LF, CRLF and CR line ends, even mixed in one file,
 * and a UTF-8 byte-order mark. It is our own rather than csv-parse's because a
 * bad row must cost exactly that row: csv-parse, after a stray quote behind a
 * closing quote, reads the rest of the file as one quoted field.
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

/** A parsed row with its 1-based line number (of the row's first line). */
export interface CsvRow {
  line: number;
  /** 0-based position among ALL data records, bad ones included (for row-aligned side files). */
  index: number;
  values: Record<string, string>;
}

/** One record as split by {@link parseCsvRecords}. */
export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** A quoting error in this record: the field (0-based) and the line where it was found. */
  error?: { message: string; field: number; line: number };
}

/** Result of {@link parseCsvRecords}: the records, and a quote that never closes, if any. */
export interface CsvParse {
  records: CsvRecord[];
  /** The quoted field that runs to the end of the file (everything after its opening quote is lost). */
  unclosed?: { line: number; field: number; recordLine: number };
}

const LINE_BREAK = /\r\n|\r|\n/g;
const UNQUOTED_END = /[,"\r\n]/g;
const TO_LINE_END = /[\r\n]/g;

function countBreaks(s: string): number {
  let n = 0;
  LINE_BREAK.lastIndex = 0;
  while (LINE_BREAK.exec(s)) n++;
  return n;
}

/**
 * Splits CSV text into records. Empty lines are skipped; a leading byte-order
 * mark is dropped. A record with a quoting error keeps its line and the
 * fields read before the error, and parsing resumes at the next line. Linear
 * in the input.
 */
export function parseCsvRecords(text: string): CsvParse {
  const records: CsvRecord[] = [];
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const lineEnd = () => {
    // At a line break: step over it (CRLF as one).
    if (text.charCodeAt(pos) === 13 && text.charCodeAt(pos + 1) === 10) pos += 2;
    else pos += 1;
    line++;
  };
  const skipRestOfLine = () => {
    TO_LINE_END.lastIndex = pos;
    const m = TO_LINE_END.exec(text);
    pos = m ? m.index : len;
  };
  while (pos < len) {
    const c0 = text.charCodeAt(pos);
    if (c0 === 10 || c0 === 13) {
      lineEnd();
      continue;
    }
    const rec: CsvRecord = { fields: [], line };
    for (;;) {
      if (text.charCodeAt(pos) === 34) {
        // Quoted field: up to the next quote that is not doubled.
        const openLine = line;
        pos++;
        let value = '';
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) return { records, unclosed: { line: openLine, field: rec.fields.length, recordLine: rec.line } };
          const chunk = text.slice(pos, q);
          line += countBreaks(chunk);
          value += chunk;
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            pos = q + 2;
            continue;
          }
          pos = q + 1;
          break;
        }
        rec.fields.push(value);
        const c = text.charCodeAt(pos);
        if (c === 44) {
          pos++;
          continue;
        }
        if (pos >= len || c === 10 || c === 13) break;
        rec.error = { message: `text after the closing quote of a quoted field (a quote inside a quoted field must be doubled: "")`, field: rec.fields.length - 1, line };
        skipRestOfLine();
        break;
      }
      UNQUOTED_END.lastIndex = pos;
      const m = UNQUOTED_END.exec(text);
      const end = m ? m.index : len;
      if (m && text.charCodeAt(end) === 34) {
        rec.error = { message: 'a quote inside an unquoted field (a field holding quotes must be quoted, its quotes doubled: "a ""b"" c")', field: rec.fields.length, line };
        skipRestOfLine();
        break;
      }
      rec.fields.push(text.slice(pos, end));
      pos = end;
      if (text.charCodeAt(pos) === 44) {
        pos++;
        continue;
      }
      break;
    }
    records.push(rec);
    if (pos < len) lineEnd();
  }
  return { records };
}

function decodeFile(file: string): { content: string; utf8: boolean } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read CSV (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new Error(`${file}: the file is UTF-16 (byte-order mark ${buf[0].toString(16).toUpperCase()} ${buf[1].toString(16).toUpperCase()}); save it as UTF-8`);
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
  if (head.fields.some((h) => h.includes('\0'))) throw new Error(`${file}:${head.line}: the header holds NUL bytes: not a UTF-8 text CSV (UTF-16 without a byte-order mark, or binary)`);
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
