/**
 * A small RFC 4180 CSV reader: quoted fields with doubled quotes, commas and line
 * breaks inside quotes, CRLF or LF line ends. Enough for report tables (IU X-ray,
 * the authors' `img_path,report,llm_output` CSV) without another dependency.
 */

/** Parse CSV text into rows of fields. Throws naming the line of an unterminated quote. */
export function parseCsv(text: string, source = '<csv>'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let quoteLine = 0;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  for (; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      quoteLine = line;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line++;
    } else {
      field += c;
    }
  }
  if (inQuotes) throw new Error(`parseCsv: ${source}: quote opened on line ${quoteLine} is never closed`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parse CSV with a header row into records keyed by column name; checks the column count per line. */
export function parseCsvRecords(text: string, source = '<csv>'): Array<Record<string, string>> {
  const rows = parseCsv(text, source);
  if (rows.length === 0) throw new Error(`parseCsvRecords: ${source} is empty (no header row)`);
  const header = rows[0];
  return rows.slice(1).map((r, k) => {
    if (r.length !== header.length) {
      throw new Error(`parseCsvRecords: ${source}: record ${k + 1} has ${r.length} fields, the header has ${header.length}`);
    }
    const rec: Record<string, string> = {};
    header.forEach((h, j) => (rec[h] = r[j]));
    return rec;
  });
}
