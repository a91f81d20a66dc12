/**
 * Finding entity words, their descriptors and negation templates in an encoded report
 * (method §3), on whole words.
 *
 * Words are the tokenizer's words (`wordIds`: a word and its `##` pieces). An entity
 * is a word whose text, pieces joined, equals a lexicon entry — so multi-piece words
 * such as "aer ##ate" match, which the authors' per-piece lookup missed. The
 * descriptors of an entity are the (up to) two words before it, stopping at a
 * sentence end (a word made only of `.`, `!`, `?`) or the start of the text.
 * Templates are matched as token-id sequences that start and end on word boundaries.
 */
import type { EncodedText, MlmTokenizer } from '../tokenizer/load-tokenizer.js';
import { matchEntity, type EntityLexicon } from '@ecamp/io';
import type { TemplateLexicon } from '../lexicon/lexicon.js';

/** One word of an encoded text: token positions [start, end). */
export interface WordSpan {
  start: number;
  end: number;
  /** The word's text: its pieces joined without the continuation prefix. */
  text: string;
}

/** Per-position classes of an encoded report, all of length L. */
export interface TokenAnalysis {
  /** The words, in order. */
  words: WordSpan[];
  /** Word index → entity word. */
  entityWord: boolean[];
  /** Word index → descriptor of some entity. */
  descriptorWord: boolean[];
  /** [L] 1 where the token belongs to an entity word. */
  isEntity: Uint8Array;
  /** [L] 1 where the token belongs to a descriptor word. */
  isDescriptor: Uint8Array;
  /** [L] 1 where the token lies inside a matched template. */
  isTemplate: Uint8Array;
  /** Token indices of entity words, ascending. */
  entityPositions: number[];
  /** True when the report has at least one entity. */
  hasEntity: boolean;
}

const SENTENCE_END = /^[.!?]+$/;

/** Word spans from `wordIds` (−1 positions belong to no word). */
export function wordSpans(enc: Pick<EncodedText, 'wordIds' | 'tokens'>, continuationPrefix = '##'): WordSpan[] {
  const spans: WordSpan[] = [];
  let current = -1;
  for (let i = 0; i < enc.wordIds.length; i++) {
    const w = enc.wordIds[i];
    if (w < 0) {
      current = -1;
      continue;
    }
    const piece = enc.tokens[i];
    if (w === current) {
      const span = spans[spans.length - 1];
      span.end = i + 1;
      span.text += piece.startsWith(continuationPrefix) ? piece.slice(continuationPrefix.length) : piece;
    } else {
      spans.push({ start: i, end: i + 1, text: piece });
      current = w;
    }
  }
  return spans;
}

const templateCache = new WeakMap<MlmTokenizer, Map<string, number[]>>();

/** Token ids of each template under `tokenizer` (cached per tokenizer). */
export function templateIds(tokenizer: MlmTokenizer, templates: TemplateLexicon): number[][] {
  let cache = templateCache.get(tokenizer);
  if (!cache) templateCache.set(tokenizer, (cache = new Map()));
  return templates.templates.map((t) => {
    let ids = cache!.get(t);
    if (!ids) cache!.set(t, (ids = tokenizer.pieces(t).ids));
    return ids;
  });
}

/** Mark every token covered by a template occurrence that starts and ends on word boundaries. */
export function markTemplates(enc: Pick<EncodedText, 'ids' | 'wordIds' | 'length'>, templates: number[][]): Uint8Array {
  const L = enc.ids.length;
  const out = new Uint8Array(L);
  const wordStart = (i: number) => enc.wordIds[i] >= 0 && (i === 0 || enc.wordIds[i - 1] !== enc.wordIds[i]);
  const wordEndsBefore = (i: number) => i >= enc.length || enc.wordIds[i] < 0 || enc.wordIds[i] !== enc.wordIds[i - 1];
  for (let s = 0; s < enc.length; s++) {
    if (!wordStart(s)) continue;
    for (const t of templates) {
      if (t.length === 0 || s + t.length > enc.length) continue;
      let ok = true;
      for (let k = 0; k < t.length && ok; k++) ok = enc.ids[s + k] === t[k];
      if (ok && wordEndsBefore(s + t.length)) out.fill(1, s, s + t.length);
    }
  }
  return out;
}

/**
 * Classify every token of an encoded report as entity / descriptor / template.
 * `tokenizer` is needed to tokenise the templates the same way as the report.
 */
export function analyseTokens(enc: EncodedText, tokenizer: MlmTokenizer, lexicon: EntityLexicon, templates: TemplateLexicon): TokenAnalysis {
  const L = enc.ids.length;
  const prefix = (tokenizer.json.model.continuing_subword_prefix as string | undefined) ?? '##';
  const words = wordSpans(enc, prefix);
  const entityWord = words.map((w) => matchEntity(w.text, lexicon) !== null);
  const descriptorWord = new Array<boolean>(words.length).fill(false);
  for (let w = 0; w < words.length; w++) {
    if (!entityWord[w]) continue;
    // Up to two preceding words, contiguous in the token stream, not crossing a sentence end.
    let prevEnd = words[w].start;
    for (let k = 1; k <= 2 && w - k >= 0; k++) {
      const cand = words[w - k];
      if (cand.end !== prevEnd || SENTENCE_END.test(cand.text)) break;
      descriptorWord[w - k] = true;
      prevEnd = cand.start;
    }
  }
  const isEntity = new Uint8Array(L);
  const isDescriptor = new Uint8Array(L);
  const entityPositions: number[] = [];
  words.forEach((span, w) => {
    if (entityWord[w]) {
      isEntity.fill(1, span.start, span.end);
      for (let i = span.start; i < span.end; i++) entityPositions.push(i);
    }
    if (descriptorWord[w]) isDescriptor.fill(1, span.start, span.end);
  });
  const isTemplate = markTemplates(enc, templateIds(tokenizer, templates));
  return { words, entityWord, descriptorWord, isEntity, isDescriptor, isTemplate, entityPositions, hasEntity: entityPositions.length > 0 };
}
