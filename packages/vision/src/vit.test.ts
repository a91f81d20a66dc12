import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { VisionTransformer } from './vit.js';
import { resolveMaeConfig } from './vit-config.js';
import { sincosPositionEmbedding2d } from './pos-embed.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const cfg = resolveMaeConfig('tiny', { imageSize: 32, embedDim: 32, depth: 3, numHeads: 2, seed: 4 });

describe('VisionTransformer', () => {
  it('uses timm parameter names and a fixed, zero-cls sin-cos table', () => {
    const vit = new VisionTransformer(cfg);
    const names = vit.namedParameters().map((p) => p.name);
    expect(names.slice(0, 3)).toEqual(['cls_token', 'patch_embed.proj.weight', 'patch_embed.proj.bias']);
    expect(names).toContain('blocks.2.attn.qkv.weight');
    expect(names).toContain('blocks.0.mlp.fc2.bias');
    expect(names.slice(-2)).toEqual(['norm.weight', 'norm.bias']);
    expect(names.some((n) => n.includes('pos_embed'))).toBe(false);
    expect(vit.posEmbed.shape).toEqual([1, 5, 32]);
    expect(Array.from(vit.posEmbed.dataSync())).toEqual(Array.from(sincosPositionEmbedding2d(32, 2)));
    expect(vit.norm.eps).toBe(1e-6);
    vit.dispose();
  });

  it('forwardFeatures returns all tokens and the requested block outputs, without leaking', () => {
    const vit = new VisionTransformer(cfg);
    const imgs = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const f = vit.forwardFeatures(imgs, { layers: [0, -1] });
    expect(f.tokens.shape).toEqual([2, 5, 32]);
    expect(f.layers.map((t) => t.shape)).toEqual([
      [2, 5, 32],
      [2, 5, 32],
    ]);
    // the last block's output, normalised, is the token output
    const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(vit.norm.forward(f.layers[1]), f.tokens))).dataSync()[0]);
    expect(worst).toBeLessThan(1e-6);
    tf.dispose(f);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => vit.forwardFeatures(imgs, { layers: [3] })).toThrow(/layer 3 out of range for depth 3/);
    imgs.dispose();
    vit.dispose();
  });

  it('is deterministic per seed', () => {
    const a = new VisionTransformer(cfg);
    const b = new VisionTransformer(cfg);
    const c = new VisionTransformer({ ...cfg, seed: 5 });
    const w = (m: VisionTransformer) => Array.from(m.blocks.at(1).attn.qkv!.weight.dataSync().slice(0, 8));
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    expect(Array.from(a.clsToken.dataSync())).toEqual(Array.from(b.clsToken.dataSync()));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('dispose frees every tensor it made', () => {
    const before = tf.memory().numTensors;
    new VisionTransformer(cfg).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
