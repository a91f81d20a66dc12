/** A token of report text: a lowercase word (letters, digits, inner hyphens/apostrophes) or a punctuation mark. */
export interface Token {
  text: string;
  kind: 'word' | 'punct';
}

/** Lowercase word and punctuation tokens of one sentence; sentence-final periods are dropped. */
export function tokenize(sentence: string): Token[] {
  const tokens: Token[] = [];
  for (const m of sentence.toLowerCase().matchAll(/[a-z0-9]+(?:['-][a-z0-9]+)*|[,;:()]/g)) {
    tokens.push({ text: m[0], kind: /^[,;:()]$/.test(m[0]) ? 'punct' : 'word' });
  }
  return tokens;
}

/** A phrase found in a token list: tokens [start, end) matched the phrase that maps to `value`. */
export interface PhraseMatch<V> {
  start: number;
  end: number;
  value: V;
}

/**
 * Matches whole-word phrases (sequences of words) against tokens, longest phrase first at each
 * position. Built once from a phrase → value table.
 */
export class PhraseMatcher<V> {
  private readonly byFirst = new Map<string, { words: string[]; value: V }[]>();

  constructor(entries: Iterable<[phrase: string, value: V]>) {
    for (const [phrase, value] of entries) {
      const words = tokenize(phrase).map((t) => t.text);
      if (words.length === 0) continue;
      const list = this.byFirst.get(words[0]) ?? [];
      if (!list.some((e) => e.words.join(' ') === words.join(' '))) list.push({ words, value });
      list.sort((a, b) => b.words.length - a.words.length);
      this.byFirst.set(words[0], list);
    }
  }

  /** The longest phrase starting exactly at token `i`, if any. */
  matchAt(tokens: readonly Token[], i: number): PhraseMatch<V> | undefined {
    const candidates = this.byFirst.get(tokens[i]?.text);
    if (!candidates) return undefined;
    for (const { words, value } of candidates) {
      if (words.every((w, k) => tokens[i + k]?.text === w)) return { start: i, end: i + words.length, value };
    }
    return undefined;
  }

  /** All non-overlapping matches, scanning left to right and taking the longest at each position. */
  findAll(tokens: readonly Token[]): PhraseMatch<V>[] {
    const found: PhraseMatch<V>[] = [];
    for (let i = 0; i < tokens.length;) {
      const m = this.matchAt(tokens, i);
      if (m) {
        found.push(m);
        i = m.end;
      } else i += 1;
    }
    return found;
  }
}
