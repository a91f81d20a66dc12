/** BERT text embeddings: word + position + token type, then LayerNorm and dropout. */
import { Dropout, Embedding, LayerNorm, Module, Rng, tf } from '@ecamp/core';
import type { TextDecoderConfig } from './config.js';

/**
 * Parameter names follow Hugging Face BERT: `word_embeddings.weight` [V, D],
 * `position_embeddings.weight` [maxPositions, D], `token_type_embeddings.weight`
 * [typeVocab, D], `LayerNorm.weight|bias` [D].
 */
export class TextEmbeddings extends Module {
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(
    readonly config: TextDecoderConfig,
    rng: Rng = new Rng(0),
  ) {
    super();
    const { vocabSize, dim, maxPositions, typeVocabSize } = config;
    this.wordEmbeddings = this.addModule('word_embeddings', new Embedding(vocabSize, dim, { rng: rng.fork('word') }));
    this.positionEmbeddings = this.addModule('position_embeddings', new Embedding(maxPositions, dim, { rng: rng.fork('position') }));
    this.tokenTypeEmbeddings = this.addModule('token_type_embeddings', new Embedding(typeVocabSize, dim, { rng: rng.fork('type') }));
    this.norm = this.addModule('LayerNorm', new LayerNorm(dim, { eps: config.eps }));
    this.drop = this.addModule('dropout', new Dropout(config.dropout, rng.fork('dropout')));
  }

  /**
   * @param inputIds int32 [B, L], L ≤ maxPositions
   * @param tokenTypeIds int32 [B, L] (default zeros)
   * @returns [B, L, D]
   */
  forward(inputIds: tf.Tensor, tokenTypeIds?: tf.Tensor): tf.Tensor3D {
    if (inputIds.rank !== 2 || inputIds.dtype !== 'int32') {
      throw new Error(`TextEmbeddings: inputIds must be int32 [B, L], got ${inputIds.dtype} [${inputIds.shape}]`);
    }
    const [b, l] = inputIds.shape;
    if (l > this.config.maxPositions) throw new Error(`TextEmbeddings: sequence length ${l} exceeds maxPositions ${this.config.maxPositions}`);
    if (tokenTypeIds && (tokenTypeIds.dtype !== 'int32' || tokenTypeIds.shape.join() !== inputIds.shape.join())) {
      throw new Error(`TextEmbeddings: tokenTypeIds must be int32 [${b}, ${l}], got ${tokenTypeIds.dtype} [${tokenTypeIds.shape}]`);
    }
    return tf.tidy(() => {
      const words = this.wordEmbeddings.forward(inputIds);
      const positions = this.positionEmbeddings.forward(tf.range(0, l, 1, 'int32')); // [L, D], broadcast over B
      const types = this.tokenTypeEmbeddings.forward(tokenTypeIds ?? tf.zeros([b, l], 'int32'));
      const sum = tf.add(tf.add(words, positions), types);
      return this.drop.forward(this.norm.forward(sum)) as tf.Tensor3D;
    });
  }
}
