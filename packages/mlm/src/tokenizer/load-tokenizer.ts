/**
 * Loading a Hugging Face `tokenizer.json` and turning text into fixed-length id rows.
 *
 * `@huggingface/tokenizers` (0.2.0) splits and maps text to ids exactly as the Rust
 * library does but neither pads nor truncates and reports no word ids; this wrapper
 * adds those: `[CLS]` first (the authors prefix every report with it), truncation to
 * `maxLength`, `[PAD]` to the end, the attention mask, and a word index per token so
 * that masking can act on whole words.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';

/** Ids of the special tokens every MLM tokenizer must have. */
export interface SpecialIds {
  pad: number;
  unk: number;
  cls: number;
  mask: number;
  sep: number;
}

/** One encoded text, padded/truncated to the tokenizer's `maxLength` L. */
export interface EncodedText {
  /** Token ids [L]; `[CLS]` first (unless disabled), `[PAD]` after the text. */
  ids: Int32Array;
  /** [L]: 1 for real tokens (including `[CLS]`), 0 for padding. */
  attentionMask: Int32Array;
  /** Token strings [L] (padding included, as `[PAD]`). */
  tokens: string[];
  /**
   * Word index per token [L]: pieces of one word share an index (0, 1, 2, … in text
   * order); −1 for `[CLS]`, padding and other special tokens.
   */
  wordIds: Int32Array;
  /** Number of real tokens (sum of `attentionMask`). */
  length: number;
  /** True when the text did not fit and was cut. */
  truncated: boolean;
}

/** Options of {@link MlmTokenizer.encode}. */
export interface EncodeOptions {
  /** Prefix `[CLS]` (default true, as the authors' pipeline does). */
  addCls?: boolean;
  /** Override the tokenizer's max length for this call. */
  maxLength?: number;
}

/** Text pieces without special tokens or padding (variable length). */
export interface Pieces {
  ids: number[];
  tokens: string[];
  /** Word index per piece, 0-based in text order. */
  wordIds: number[];
}

/** A loaded tokenizer with fixed-length encoding. */
export interface MlmTokenizer {
  /** Encode one text to a padded row of length `maxLength`. */
  encode(text: string, opts?: EncodeOptions): EncodedText;
  /** Tokenise without `[CLS]`, truncation or padding. */
  pieces(text: string): Pieces;
  /** Ids back to text (special tokens and padding dropped). */
  decode(ids: ArrayLike<number>): string;
  /** The id of a token string, or undefined. */
  tokenToId(token: string): number | undefined;
  /** The token string of an id, or undefined. */
  idToToken(id: number): string | undefined;
  /** Number of ids (largest id + 1). */
  readonly vocabSize: number;
  /** Default row length L of {@link encode}. */
  readonly maxLength: number;
  /** Ids of `[PAD]`, `[UNK]`, `[CLS]`, `[MASK]`, `[SEP]`. */
  readonly specialIds: SpecialIds;
  /** The tokenizer.json object it was built from. */
  readonly json: TokenizerJson;
}

/** The parts of a Hugging Face tokenizer.json this package reads or writes. */
export interface TokenizerJson {
  version?: string;
  added_tokens?: Array<{ id: number; content: string; special?: boolean; [k: string]: unknown }>;
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  post_processor?: unknown;
  decoder?: unknown;
  model: {
    type: string;
    vocab: Record<string, number> | unknown;
    continuing_subword_prefix?: string | null;
    unk_token?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** Options of {@link loadTokenizer}. */
export interface LoadTokenizerOptions {
  /** Row length L of `encode` (default: the file's `truncation.max_length`, else 256 as in the paper). */
  maxLength?: number;
  /** Special token strings if they differ from BERT's. */
  specialTokens?: Partial<Record<keyof SpecialIds, string>>;
}

const DEFAULT_SPECIALS: Record<keyof SpecialIds, string> = {
  pad: '[PAD]',
  unk: '[UNK]',
  cls: '[CLS]',
  mask: '[MASK]',
  sep: '[SEP]',
};

/**
 * Load a Hugging Face `tokenizer.json` (a path or the parsed object).
 * Throws, naming the file, when it cannot be read or lacks a special token.
 */
export function loadTokenizer(pathOrJson: string | TokenizerJson, opts: LoadTokenizerOptions = {}): MlmTokenizer {
  const source = typeof pathOrJson === 'string' ? pathOrJson : '<tokenizer object>';
  let json: TokenizerJson;
  if (typeof pathOrJson === 'string') {
    let text: string;
    try {
      text = readFileSync(pathOrJson, 'utf8');
    } catch (e) {
      throw new Error(`loadTokenizer: cannot read ${pathOrJson}: ${(e as Error).message}`);
    }
    try {
      json = JSON.parse(text) as TokenizerJson;
    } catch (e) {
      throw new Error(`loadTokenizer: ${pathOrJson} is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    json = pathOrJson;
  }
  if (json === null || typeof json !== 'object' || typeof json.model !== 'object' || json.model === null) {
    throw new Error(`loadTokenizer: ${source} has no "model" section; is it a Hugging Face tokenizer.json?`);
  }
  // Row length: the caller's, else the file's own truncation setting, else the paper's 256.
  const truncation = json.truncation as { max_length?: unknown } | null | undefined;
  const fileMax = truncation && typeof truncation.max_length === 'number' ? truncation.max_length : undefined;
  const maxLength = opts.maxLength ?? fileMax ?? 256;
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new Error(`loadTokenizer: maxLength must be an integer ≥ 2, got ${maxLength}`);
  }
  let inner: Tokenizer;
  try {
    inner = new Tokenizer(json, {});
  } catch (e) {
    throw new Error(`loadTokenizer: ${source} could not be built by @huggingface/tokenizers: ${(e as Error).message}`);
  }
  const specialStrings = { ...DEFAULT_SPECIALS, ...opts.specialTokens };
  const specialIds = {} as SpecialIds;
  for (const key of Object.keys(specialStrings) as Array<keyof SpecialIds>) {
    const id = inner.token_to_id(specialStrings[key]);
    if (id === undefined) {
      throw new Error(`loadTokenizer: ${source} has no ${specialStrings[key]} token (field specialTokens.${key})`);
    }
    specialIds[key] = id;
  }
  const vocab = inner.get_vocab(true);
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const specialIdSet = new Set<number>([...inner.get_added_tokens_decoder().keys()]);
  // Word boundaries: WordPiece marks continuation pieces with a prefix ("##").
  // Other models (BPE, Unigram) get one word per piece — documented limitation.
  const prefix = json.model.type === 'WordPiece' ? (json.model.continuing_subword_prefix ?? '##') : null;

  const pieces = (text: string): Pieces => {
    const enc = inner.encode(text, { add_special_tokens: false });
    const wordIds: number[] = new Array(enc.ids.length);
    let word = -1;
    for (let i = 0; i < enc.ids.length; i++) {
      const isContinuation = prefix !== null && word >= 0 && enc.tokens[i].startsWith(prefix) && enc.tokens[i].length > prefix.length;
      if (!isContinuation) word++;
      wordIds[i] = word;
    }
    return { ids: enc.ids, tokens: enc.tokens, wordIds };
  };

  const encode = (text: string, eo: EncodeOptions = {}): EncodedText => {
    const L = eo.maxLength ?? maxLength;
    const addCls = eo.addCls ?? true;
    const p = pieces(text);
    const ids = new Int32Array(L).fill(specialIds.pad);
    const attentionMask = new Int32Array(L);
    const wordIds = new Int32Array(L).fill(-1);
    const tokens: string[] = new Array(L).fill(specialStrings.pad);
    let pos = 0;
    if (addCls) {
      ids[0] = specialIds.cls;
      tokens[0] = specialStrings.cls;
      attentionMask[0] = 1;
      pos = 1;
    }
    const room = L - pos;
    const n = Math.min(room, p.ids.length);
    for (let i = 0; i < n; i++) {
      ids[pos + i] = p.ids[i];
      tokens[pos + i] = p.tokens[i];
      attentionMask[pos + i] = 1;
      // Special tokens written in the text (e.g. a literal "[MASK]") are not words.
      wordIds[pos + i] = specialIdSet.has(p.ids[i]) ? -1 : p.wordIds[i];
    }
    return { ids, attentionMask, tokens, wordIds, length: pos + n, truncated: p.ids.length > room };
  };

  return {
    encode,
    pieces,
    decode: (ids) => inner.decode(Array.from(ids), { skip_special_tokens: true }),
    tokenToId: (t) => inner.token_to_id(t),
    idToToken: (id) => inner.id_to_token(id),
    vocabSize,
    maxLength,
    specialIds,
    json,
  };
}
