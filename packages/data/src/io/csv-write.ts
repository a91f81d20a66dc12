/** Minimal RFC 4180 CSV writing (quotes only where needed). */

/** Quotes a CSV field when it contains a comma, quote, CR or LF. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (no trailing newline). */
export function csvLine(values: (string | number)[]): string {
  return values.map(csvField).join(',');
}
