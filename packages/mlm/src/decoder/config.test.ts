import { describe, expect, it } from 'vitest';
import { paperTextDecoderConfig, textDecoderConfig, tinyTextDecoderConfig } from './config.js';

describe('text decoder configs', () => {
  it("has the paper's sizes", () => {
    expect(paperTextDecoderConfig()).toEqual({
      vocabSize: 30000,
      dim: 768,
      numLayers: 6,
      numHeads: 6,
      intermediate: 1536,
      maxPositions: 256,
      typeVocabSize: 2,
      dropout: 0.1,
      eps: 1e-12,
    });
    expect(tinyTextDecoderConfig(500).dim % tinyTextDecoderConfig(500).numHeads).toBe(0);
  });

  it('names the bad field', () => {
    expect(() => textDecoderConfig({ vocabSize: 10, dim: 10, numLayers: 1, numHeads: 3, intermediate: 4 })).toThrow(/divisible/);
    expect(() => textDecoderConfig({ vocabSize: 10, dim: 8, numLayers: 0, numHeads: 2, intermediate: 4 })).toThrow(/numLayers/);
    expect(() => textDecoderConfig({ vocabSize: 10, dim: 8, numLayers: 1, numHeads: 2, intermediate: 4, dropout: 1 })).toThrow(/dropout/);
  });
});
