/**
 * RFC 4180 CSV: reading (comma, `"` quoting with `""` escapes, fields that span lines; LF, CRLF
 * and CR line ends, even mixed; a UTF-8 byte-order mark dropped; blank lines skipped) and writing
 * (quotes only where needed).
 *
 * {@link parseCsvRecords} never throws: a record with a quoting error (a quote inside an unquoted
 * field, text after a closing quote) keeps its line and the fields read before the error, and
 * parsing resumes on the next line, so a bad row costs exactly that row; a quote that never closes
 * is returned as `unclosed`. {@link parseCsv} is the strict form: the first fault throws, naming
 * the source and line.
 */

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
        rec.error = {
          message: `text after the closing quote of a quoted field (a quote inside a quoted field must be doubled: "")`,
          field: rec.fields.length - 1,
          line,
        };
        skipRestOfLine();
        break;
      }
      UNQUOTED_END.lastIndex = pos;
      const m = UNQUOTED_END.exec(text);
      const end = m ? m.index : len;
      if (m && text.charCodeAt(end) === 34) {
        rec.error = {
          message: 'a quote inside an unquoted field (a field holding quotes must be quoted, its quotes doubled: "a ""b"" c")',
          field: rec.fields.length,
          line,
        };
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

/**
 * Splits CSV text into records (blank and blank-only lines skipped) and throws on the first
 * quoting error or a quote that never closes, naming `source` and the line.
 *
 * @example parseCsv('a,b\n1,"x, y"\n') // [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', 'x, y'] }]
 */
export function parseCsv(text: string, source = 'csv'): CsvRecord[] {
  const { records, unclosed } = parseCsvRecords(text);
  for (const r of records) {
    if (r.error) throw new Error(`${source}:${r.error.line}: ${r.error.message}`);
  }
  if (unclosed) throw new Error(`${source}:${unclosed.line}: unterminated quoted field`);
  return records.filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
}

/** Quotes a CSV field when it holds a comma, quote, CR or LF (numbers are written as `String` does). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line of fields (no line break at the end). */
export function csvLine(values: readonly (string | number)[]): string {
  return values.map(csvField).join(',');
}
