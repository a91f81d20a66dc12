/**
 * Small helpers to write the report's HTML safely: escaping, number formatting, tables.
 */

/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for people: `–` when missing or not finite, else `digits` decimals (or exponent notation for tiny/huge values). */
export function fmt(v: unknown, digits = 4): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) < 10 ** -digits || Math.abs(v) >= 1e7)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** Seconds as `1 h 02 min`, `3 min 05 s` or `12.3 s`. */
export function fmtDuration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${String(Math.round(seconds - 60 * m)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Bytes as `7.7 MB`. */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** A table cell: plain text (escaped) or trusted HTML. */
export type Cell = string | number | { html: string };

function cell(c: Cell): string {
  if (typeof c === 'object') return c.html;
  return typeof c === 'number' ? esc(fmt(c)) : esc(c);
}

/** An HTML table with a caption (escaped; none when empty), header row (none when empty) and body rows. */
export function table(caption: string, head: Cell[], rows: Cell[][], className = 'data'): string {
  return (
    `<table class="${esc(className)}">${caption ? `<caption>${esc(caption)}</caption>` : ''}` +
    (head.length ? `<thead><tr>${head.map((h) => `<th>${cell(h)}</th>`).join('')}</tr></thead>` : '') +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

/** A `data:` URI of bytes (images are embedded so the report is one file that needs no network). */
export function dataUri(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** The report's page: title, inline style, body (no scripts, no external resources). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1f; max-width: 1240px; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.lede { color: #444; margin-top: 0; }
.explain { color: #333; max-width: 62rem; font-size: 0.95rem; }
.note { color: #7a4b00; background: #fff6e0; border-left: 4px solid #e0a800; padding: 0.4rem 0.8rem; font-size: 0.92rem; }
table.data { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
table.data caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
table.data th, table.data td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
table.data th { background: #f3f3f6; }
table.data td:not(:first-child) { font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 1.6rem; } figcaption { font-size: 0.9rem; color: #333; max-width: 70rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #ccc; background: #000; }
.chart { max-width: 100%; height: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.panel-labels { display: grid; gap: 4px; max-width: 100%; font-size: 0.85rem; font-weight: 600; margin-top: 0.2rem; }
.step-attention { margin-top: 0.6rem; } .step-attention img { width: 100%; }
.tokens span.entity { background: #ffd27f; border-radius: 3px; padding: 0 2px; }
details pre { background: #f6f6f8; padding: 0.6rem; overflow: auto; font-size: 0.82rem; }
.good { color: #1b5e20; } .bad { color: #b00020; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #666; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
