/**
 * @ecamp/mlm — the text side of ECAMP: tokenizer, entity-aware descriptor masking, the
 * re-balanced loss weights, context insertion, and the BERT-style text decoder with a
 * caller-supplied first (context-fusion) layer.
 * @packageDocumentation
 */

// Tokenizer
/** Load a Hugging Face tokenizer.json with `[CLS]`, truncation, padding, attention mask and word ids. */
export {
  loadTokenizer,
  type MlmTokenizer,
  type EncodedText,
  type EncodeOptions,
  type Pieces,
  type SpecialIds,
  type TokenizerJson,
  type LoadTokenizerOptions,
} from './tokenizer/load-tokenizer.js';
/** Train a WordPiece vocabulary from a corpus; returns a tokenizer.json object. */
export { trainWordPiece, DEFAULT_SPECIAL_TOKENS, type TrainWordPieceOptions } from './tokenizer/train-wordpiece.js';
/** Write a tokenizer.json atomically. */
export { saveTokenizer } from './tokenizer/save-tokenizer.js';

// Lexicons (data files)
/** Negation-template lexicons: validation, loading, bundled defaults (entity lexicons are @ecamp/io's). */
export {
  negationTemplates,
  authorsNegationTemplates,
  loadTemplateLexicon,
  templateLexiconFrom,
  bundledLexiconPath,
  type TemplateLexicon,
} from './lexicon/lexicon.js';

// Text
/** Insert the distilled context at a random sentence boundary with probability p. */
export { insertContext, type ContextInsertion, type TextRng } from './text/context-insertion.js';

// Masking and weights
/** Whole-word entity / descriptor / template analysis of an encoded report. */
export { analyseTokens, wordSpans, markTemplates, templateIds, type TokenAnalysis, type WordSpan } from './masking/analyse-tokens.js';
/** Entity-aware and random (BERT) masking. */
export {
  maskEntityAware,
  maskRandom,
  IGNORE_INDEX,
  DEFAULT_MASK_PROBABILITIES,
  MASKING_MODES,
  type MaskingMode,
  type MaskProbabilities,
  type MaskResult,
} from './masking/mask-tokens.js';
/** The entity-aware re-balanced factor (template tokens 0.05, mass moved to descriptors). */
export { rebalancedWeights, type RebalanceInput, type RebalanceResult } from './masking/rebalance.js';
/** The whole text pipeline for one report → ids, labels, weights, mask, entity positions. */
export { prepareMlmExample, type PrepareMlmOptions, type MlmExample } from './masking/prepare-example.js';
/** Stack examples into flat [B, L] arrays. */
export { collateMlmBatch, type MlmBatch } from './masking/collate.js';

// Statistics
/** Corpus-level statistics of the masking/weighting pipeline. */
export { mlmCorpusStats, type MlmCorpusStats } from './stats/corpus-stats.js';

// Decoder
/** The first-layer contract the fusion layer satisfies structurally. */
export type { FirstTextLayer, FirstTextLayerInput, FirstTextLayerOutput } from './decoder/first-layer.js';
/** Decoder sizes and presets. */
export { textDecoderConfig, paperTextDecoderConfig, tinyTextDecoderConfig, type TextDecoderConfig } from './decoder/config.js';
/** BERT embeddings (word + position + type, LayerNorm, dropout). */
export { TextEmbeddings } from './decoder/embeddings.js';
/** Post-norm BERT layer; the first layer when fusion is ablated. */
export { PlainTextLayer, type PlainTextLayerOptions, type PlainTextLayerInput } from './decoder/plain-text-layer.js';
/** MLM prediction head. */
export { MlmHead } from './decoder/mlm-head.js';
/** The text decoder and its weighted MLM loss. */
export {
  TextDecoder,
  type TextDecoderOptions,
  type TextDecoderInput,
  type TextDecoderOutput,
  type TextDecoderLossInput,
  type TextDecoderLossOutput,
  type DecoderImageInput,
  type MlmLossReduction,
} from './decoder/text-decoder.js';
