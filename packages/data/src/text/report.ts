/**
 * Report text clean-up for pre-training: FINDINGS and IMPRESSION sections are
 * extracted (MIMIC-CXR free text), whitespace is normalised, and an empty
 * result is flagged so the reader can report it.
 */

/** Extracted sections and the text used for training. */
export interface ReportSections {
  findings: string;
  impression: string;
  /** `findings + ' ' + impression` (whichever exist), whitespace-normalised. */
  text: string;
}

/**
 * Why `s` is not usable text, or null when it is: a NUL byte or another
 * control character (TAB, LF, VT, FF and CR are fine), or — when the bytes it
 * was decoded from were not valid UTF-8 (`invalidUtf8`) — a U+FFFD that stands
 * for bytes the decoder could not read. Positions are 0-based characters.
 */
export function textProblem(s: string, invalidUtf8 = false): string | null {
  const ctl = /[\u0000-\u0008\u000e-\u001f\u007f]/.exec(s);
  if (ctl) {
    const code = ctl[0].charCodeAt(0);
    return code === 0
      ? `binary data: a NUL byte at character ${ctl.index}`
      : `binary data: control character U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${ctl.index}`;
  }
  if (invalidUtf8) {
    const k = s.indexOf('\ufffd');
    if (k >= 0) return `not UTF-8: undecodable bytes at character ${k} (save the file as UTF-8)`;
  }
  return null;
}

/** Collapses runs of whitespace (including newlines) to single spaces and trims. */
export function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// Any upper-case header at a line start, or a known section name anywhere (one-line reports such as
// "FINDINGS: … IMPRESSION: …").
const KNOWN = 'FINDINGS?|IMPRESSION|INDICATION|HISTORY|COMPARISON|TECHNIQUE|EXAMINATION|CONCLUSION|RECOMMENDATIONS?|NOTIFICATION';
const HEADER = new RegExp(`(^|\\n)\\s*([A-Z][A-Z /&()-]{2,40}):|(^|\\s)(${KNOWN}):`, 'g');

/**
 * Splits a radiology report into its upper-case `HEADER:` sections and keeps
 * FINDINGS and IMPRESSION. A report without any header (e.g. a bare IU X-ray
 * findings field) is returned whole as findings.
 */
export function extractReportSections(report: string): ReportSections {
  const text = report.replace(/\r\n?/g, '\n');
  const headers = [...text.matchAll(HEADER)];
  if (headers.length === 0) {
    const t = normalizeWhitespace(text);
    return { findings: t, impression: '', text: t };
  }
  const sections = new Map<string, string>();
  headers.forEach((m, k) => {
    const start = m.index! + m[0].length;
    const end = k + 1 < headers.length ? headers[k + 1].index! : text.length;
    const name = (m[2] ?? m[4]).trim();
    const body = normalizeWhitespace(text.slice(start, end));
    sections.set(name, sections.has(name) ? `${sections.get(name)} ${body}`.trim() : body);
  });
  const findings = sections.get('FINDINGS') ?? sections.get('FINDING') ?? '';
  const impression = sections.get('IMPRESSION') ?? sections.get('CONCLUSION') ?? '';
  return { findings, impression, text: normalizeWhitespace(`${findings} ${impression}`) };
}

/** Joins separately stored findings and impression (IU X-ray, CSV columns) into one training text. */
export function joinSections(findings: string | undefined, impression: string | undefined): ReportSections {
  const f = normalizeWhitespace(findings ?? '');
  const i = normalizeWhitespace(impression ?? '');
  return { findings: f, impression: i, text: normalizeWhitespace(`${f} ${i}`) };
}
