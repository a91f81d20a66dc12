import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { TextEmbeddings } from './embeddings.js';
import { textDecoderConfig } from './config.js';

describe('TextEmbeddings', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });
  const cfg = textDecoderConfig({ vocabSize: 12, dim: 4, numLayers: 1, numHeads: 1, intermediate: 8, maxPositions: 5, dropout: 0 });

  it('sums word, position and type rows then normalises', () => {
    const emb = new TextEmbeddings(cfg, new Rng(1));
    const ids = tf.tensor2d([[3, 7, 1]], [1, 3], 'int32');
    const types = tf.tensor2d([[0, 1, 1]], [1, 3], 'int32');
    const got = emb.forward(ids, types).arraySync()[0];
    const w = emb.wordEmbeddings.weight.arraySync() as number[][];
    const p = emb.positionEmbeddings.weight.arraySync() as number[][];
    const t = emb.tokenTypeEmbeddings.weight.arraySync() as number[][];
    [3, 7, 1].forEach((id, pos) => {
      const s = w[id].map((v, j) => v + p[pos][j] + t[[0, 1, 1][pos]][j]);
      const mean = s.reduce((a, b) => a + b, 0) / 4;
      const variance = s.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      s.forEach((v, j) => expect(got[pos][j]).toBeCloseTo((v - mean) / Math.sqrt(variance + 1e-12), 4));
    });
    expect(emb.namedParameters().map((x) => x.name)).toEqual([
      'word_embeddings.weight',
      'position_embeddings.weight',
      'token_type_embeddings.weight',
      'LayerNorm.weight',
      'LayerNorm.bias',
    ]);
    emb.dispose();
  });

  it('rejects sequences longer than maxPositions and float ids', () => {
    const emb = new TextEmbeddings(cfg);
    expect(() => emb.forward(tf.zeros([1, 6], 'int32'))).toThrow(/maxPositions 5/);
    expect(() => emb.forward(tf.zeros([1, 2]))).toThrow(/int32/);
    emb.dispose();
  });
});
