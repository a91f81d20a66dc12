/**
 * A small RFC 4180 CSV parser: quoted fields may hold commas, doubled quotes and line
 * breaks; CRLF and LF line ends; a UTF-8 byte-order mark is dropped. Each record keeps
 * the 1-based line on which it starts, so errors can name the line.
 */

/** One parsed record and the line on which it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Parses CSV text into records (blank lines skipped). `source` names the input in errors. */
export function parseCsv(text: string, source = 'csv'): CsvRecord[] {
  const records: CsvRecord[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  while (pos < text.length) {
    const ch = text[pos];
    if (inQuotes) {
      if (ch === '"') {
        if (text[pos + 1] === '"') {
          field += '"';
          pos += 2;
          continue;
        }
        inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      pos++;
      continue;
    }
    if (ch === '"') {
      if (field.trim() !== '') throw new Error(`${source}:${line}: a quote inside an unquoted field`);
      field = '';
      inQuotes = true;
      quoteLine = line;
      fieldStarted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[pos + 1] === '\n') pos++;
      line++;
      recordLine = line;
    } else {
      field += ch;
      if (ch.trim() !== '') fieldStarted = true;
    }
    pos++;
  }
  if (inQuotes) throw new Error(`${source}:${quoteLine}: unterminated quoted field`);
  endRecord();
  return records;
}

/** Quotes a field when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
