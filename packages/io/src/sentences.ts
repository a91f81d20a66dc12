/**
 * Splitting report text into sentences.
 *
 * A sentence ends at `.`, `!` or `?` (runs of them count once) followed by
 * whitespace, the end of the text, or directly by a letter — real reports contain
 * "apex.There". A full stop between digits ("3.5 cm") is not an end.
 */

/** The sentences of `text`, trimmed, each with its closing punctuation; empty pieces dropped. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c !== '.' && c !== '!' && c !== '?') continue;
    let j = i;
    while (j + 1 < n && (text[j + 1] === '.' || text[j + 1] === '!' || text[j + 1] === '?')) j++;
    const prev = i > 0 ? text[i - 1] : '';
    const next = j + 1 < n ? text[j + 1] : '';
    const decimal = c === '.' && j === i && /\d/.test(prev) && /\d/.test(next);
    const ends = !decimal && (next === '' || /\s/.test(next) || /\p{L}/u.test(next) || next === '"' || next === ')');
    if (ends) {
      const s = text.slice(start, j + 1).trim();
      if (s.length > 0) out.push(s);
      start = j + 1;
    }
    i = j;
  }
  const rest = text.slice(start).trim();
  if (rest.length > 0) out.push(rest);
  return out;
}

/** `s` trimmed and closed with a full stop unless it already ends in `.`, `!` or `?`. */
export function closeSentence(s: string): string {
  const t = s.trim();
  if (t === '') return t;
  return /[.!?]$/.test(t) ? t : t + '.';
}
