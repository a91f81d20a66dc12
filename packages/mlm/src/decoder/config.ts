/** Sizes of the BERT-style text decoder, with the paper's and a CPU-sized preset. */

/** Text decoder sizes. */
export interface TextDecoderConfig {
  /** Vocabulary size V (rows of the word embedding and the MLM output). */
  vocabSize: number;
  /** Hidden width D (paper: 768). */
  dim: number;
  /** Total layers including the first (fusion) layer (paper: 6). */
  numLayers: number;
  /** Attention heads (paper: 6). */
  numHeads: number;
  /** Feed-forward width (paper: 1536). */
  intermediate: number;
  /** Largest sequence length L (position embeddings; paper: 256). */
  maxPositions: number;
  /** Token-type vocabulary (BERT: 2). */
  typeVocabSize: number;
  /** Hidden dropout in training (BERT: 0.1). */
  dropout: number;
  /** LayerNorm epsilon (BERT: 1e-12). */
  eps: number;
}

function check(c: TextDecoderConfig): TextDecoderConfig {
  for (const k of ['vocabSize', 'dim', 'numLayers', 'numHeads', 'intermediate', 'maxPositions', 'typeVocabSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`TextDecoderConfig.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.dim % c.numHeads !== 0) throw new Error(`TextDecoderConfig: dim ${c.dim} is not divisible by numHeads ${c.numHeads}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`TextDecoderConfig.dropout must be in [0, 1), got ${c.dropout}`);
  if (!(c.eps > 0)) throw new Error(`TextDecoderConfig.eps must be > 0, got ${c.eps}`);
  return c;
}

/** Fill defaults (BERT's) and validate; throws naming the bad field. */
export function textDecoderConfig(
  partial: Partial<TextDecoderConfig> & Pick<TextDecoderConfig, 'vocabSize' | 'dim' | 'numLayers' | 'numHeads' | 'intermediate'>,
): TextDecoderConfig {
  return check({ maxPositions: 256, typeVocabSize: 2, dropout: 0.1, eps: 1e-12, ...partial });
}

/** The paper's decoder: hidden 768, 6 layers, 6 heads, intermediate 1536, max length 256. */
export function paperTextDecoderConfig(vocabSize = 30000): TextDecoderConfig {
  return textDecoderConfig({ vocabSize, dim: 768, numLayers: 6, numHeads: 6, intermediate: 1536, maxPositions: 256 });
}

/** A CPU-sized decoder for the tiny preset: hidden 128, 2 layers, 2 heads, intermediate 256, max length 128. */
export function tinyTextDecoderConfig(vocabSize: number): TextDecoderConfig {
  return textDecoderConfig({ vocabSize, dim: 128, numLayers: 2, numHeads: 2, intermediate: 256, maxPositions: 128 });
}
