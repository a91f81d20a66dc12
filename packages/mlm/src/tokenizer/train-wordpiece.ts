/**
 * Training a WordPiece vocabulary from a report corpus.
 *
 * As in Hugging Face's WordPiece trainer: BERT normaliser (clean text, lowercase,
 * strip accents, CJK spacing) and BERT pre-tokeniser (whitespace + punctuation), the
 * words' characters as the initial alphabet (a word's first character bare, the others
 * with the `##` continuation prefix), then repeated merges of the most frequent
 * adjacent pair until the vocabulary is full or no pair occurs `minFrequency` times.
 * The special tokens come first (`[PAD]`=0 `[UNK]`=1 `[CLS]`=2 `[MASK]`=3 `[SEP]`=4,
 * the authors' order). Normalisation and pre-tokenisation are done by
 * `@huggingface/tokenizers` itself so that training and encoding can never disagree.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenizerJson } from './load-tokenizer.js';

/** Options of {@link trainWordPiece}. */
export interface TrainWordPieceOptions {
  /** Target vocabulary size including special tokens (paper: 30 000). */
  vocabSize: number;
  /** A pair must occur at least this often (summed over word frequencies) to merge. Default 2. */
  minFrequency?: number;
  /** Special tokens, in id order. Default `[PAD] [UNK] [CLS] [MASK] [SEP]`. */
  specialTokens?: string[];
  /** Lowercase in the normaliser (default true: reports are uncased). */
  lowercase?: boolean;
}

/** The BERT special tokens in the authors' id order. */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = ['[PAD]', '[UNK]', '[CLS]', '[MASK]', '[SEP]'];

const PREFIX = '##';

function skeleton(specials: string[], lowercase: boolean, vocab: Record<string, number>): TokenizerJson {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: PREFIX, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: specials[1] ?? '[UNK]',
      continuing_subword_prefix: PREFIX,
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/** Word → frequency after BERT normalisation and pre-tokenisation (specials skipped). */
function countWords(corpus: Iterable<string>, specials: string[], lowercase: boolean): Map<string, number> {
  const specialVocab: Record<string, number> = {};
  specials.forEach((s, i) => (specialVocab[s] = i));
  const helper = new Tokenizer(skeleton(specials, lowercase, specialVocab), {});
  const normalizer = helper.normalizer!;
  const preTokenizer = helper.pre_tokenizer!;
  const specialSet = new Set(specials);
  const counts = new Map<string, number>();
  let line = 0;
  for (const text of corpus) {
    line++;
    if (typeof text !== 'string') throw new Error(`trainWordPiece: corpus item ${line} is not a string`);
    for (const word of preTokenizer(normalizer(text))) {
      if (word.length === 0 || word.length > 100 || specialSet.has(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Train a WordPiece vocabulary and return a complete `tokenizer.json` object that
 * `loadTokenizer` / `@huggingface/tokenizers` load directly. Deterministic: ties
 * between equally frequent pairs are broken by the pair's string order.
 */
export function trainWordPiece(corpus: Iterable<string>, opts: TrainWordPieceOptions): TokenizerJson {
  const specials = opts.specialTokens ?? [...DEFAULT_SPECIAL_TOKENS];
  const minFrequency = opts.minFrequency ?? 2;
  const lowercase = opts.lowercase ?? true;
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize <= specials.length) {
    throw new Error(`trainWordPiece: vocabSize must be an integer > ${specials.length} (the special tokens), got ${opts.vocabSize}`);
  }
  const wordCounts = countWords(corpus, specials, lowercase);
  const words = [...wordCounts.keys()].sort();
  const freqs = words.map((w) => wordCounts.get(w)!);
  // Each word as a list of symbols: first char bare, the rest "##c".
  const symbols: string[][] = words.map((w) => {
    const chars = Array.from(w);
    return chars.map((c, i) => (i === 0 ? c : PREFIX + c));
  });

  const vocab: string[] = [...specials];
  const inVocab = new Set(vocab);
  const alphabet = new Set<string>();
  for (const s of symbols) for (const c of s) alphabet.add(c);
  for (const c of [...alphabet].sort()) {
    if (!inVocab.has(c)) {
      vocab.push(c);
      inVocab.add(c);
    }
  }

  // Pair statistics, kept incrementally: "a\u0000b" → count, and which words hold it.
  const SEP = '\u0000';
  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const s = symbols[w];
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i] + SEP + s[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * freqs[w]);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  while (vocab.length < opts.vocabSize) {
    let best: string | null = null;
    let bestCount = 0;
    for (const [key, count] of pairCount) {
      if (count > bestCount || (count === bestCount && count > 0 && best !== null && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === null || bestCount < minFrequency) break;
    const [a, b] = best.split(SEP);
    const merged = a + b.slice(PREFIX.length);
    for (const w of pairWords.get(best) ?? []) {
      const s = symbols[w];
      addPairs(w, -1);
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else {
          out.push(s[i]);
        }
      }
      symbols[w] = out;
      addPairs(w, 1);
    }
    pairCount.delete(best);
    pairWords.delete(best);
    if (!inVocab.has(merged)) {
      vocab.push(merged);
      inVocab.add(merged);
    }
  }
  const vocabObj: Record<string, number> = {};
  vocab.forEach((t, i) => (vocabObj[t] = i));
  return skeleton(specials, lowercase, vocabObj);
}
