import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { prefixTokens, tokensToFeatureMap, withoutFinalNorm, type FeatureEncoder } from './encoder.js';
import { TinyEncoder } from '../test/helpers/tiny-encoder.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('tokensToFeatureMap', () => {
  it('drops the prefix and lays patch tokens out row-major on the grid', () => {
    tf.tidy(() => {
      // token k (after one cls token) carries value k in every channel
      const tokens = tf.tensor1d([-1, 0, 1, 2, 3, 4, 5]).reshape([1, 7, 1]).tile([1, 1, 2]);
      const map = tokensToFeatureMap(tokens.slice([0, 0, 0], [1, 5, 2]), 2, 1);
      expect(map.shape).toEqual([1, 2, 2, 2]);
      expect(Array.from(map.dataSync())).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    });
  });
  it('rejects a token count that does not fit the grid', () => {
    tf.tidy(() => {
      expect(() => tokensToFeatureMap(tf.zeros([1, 6, 2]), 2, 1)).toThrow(/not \[B, 1 \+ 2², D\]/);
    });
  });
  it('infers a square grid when no size is given', () => {
    tf.tidy(() => {
      expect(tokensToFeatureMap(tf.zeros([2, 10, 3]), undefined, 1).shape).toEqual([2, 3, 3, 3]);
      expect(() => tokensToFeatureMap(tf.zeros([2, 9, 3]), undefined, 1)).toThrow(/do not form a square grid/);
    });
  });
  it('counts one prefix token unless told otherwise', () => {
    expect(prefixTokens({})).toBe(1);
    expect(prefixTokens({ numPrefixTokens: 0 })).toBe(0);
  });
});

describe('TinyEncoder (test helper) matches FeatureEncoder', () => {
  it('returns tokens and requested intermediates in the asked order', () => {
    const enc = new TinyEncoder(2, 4, 8, 3);
    const before = tf.memory().numTensors;
    const images = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const out = enc.forwardFeatures(images, { layers: [2, 0] });
    expect(out.tokens.shape).toEqual([2, 5, 8]);
    expect(out.layers!.map((t) => t.shape)).toEqual([
      [2, 5, 8],
      [2, 5, 8],
    ]);
    expect(out.layers![0]).not.toBe(out.layers![1]);
    tf.dispose([images, out.tokens, ...out.layers!]);
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
  });
});

describe('withoutFinalNorm', () => {
  it('serves the last block’s output as the tokens and frees the normed ones', () => {
    const calls: unknown[] = [];
    const encoder: FeatureEncoder = {
      embedDim: 2,
      gridSize: 1,
      forwardFeatures: (images, options) => {
        calls.push(options);
        return { tokens: tf.fill([images.shape[0], 2, 2], 7), layers: [tf.fill([images.shape[0], 2, 2], 3)] };
      },
      namedParameters: () => [],
    };
    const images = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = withoutFinalNorm(encoder).forwardFeatures(images);
    expect(calls).toEqual([{ layers: [-1] }]);
    expect(Array.from(out.tokens.dataSync())).toEqual([3, 3, 3, 3]);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([out.tokens, images]);
  });

  it('names the problem when the encoder returns no block outputs', () => {
    const encoder: FeatureEncoder = { embedDim: 2, forwardFeatures: () => ({ tokens: tf.zeros([1, 2, 2]) }), namedParameters: () => [] };
    const before = tf.memory().numTensors;
    expect(() => withoutFinalNorm(encoder).forwardFeatures(tf.zeros([1, 1, 1, 3]) as tf.Tensor4D)).toThrow(/no block outputs for layers: \[-1\]/);
    expect(tf.memory().numTensors).toBe(before + 1); // only the input image remains
  });
});
