import { describe, expect, it } from 'vitest';
import { initBackend, tf, type BackendName } from '@ecamp/core';
import { clsAttentionMap } from './attention-map.js';
import { VisionTransformer } from './vit.js';
import { resolveMaeConfig } from './vit-config.js';

const cfg = resolveMaeConfig('tiny', { imageSize: 32, embedDim: 32, depth: 3, numHeads: 2, seed: 4 });

/** Block `layer`'s attention recomputed from its weights with plain tf ops (no attention layer code). */
function manualAttention(vit: VisionTransformer, imgs: tf.Tensor, layer: number): Float32Array {
  return tf.tidy(() => {
    const input = layer === 0 ? null : vit.forwardFeatures(imgs, { layers: [layer - 1] }).layers[0];
    // Block 0's input: embed by hand (patch linear + positions, cls + pos[0] first).
    const x =
      input ??
      (() => {
        const p = cfg.patchSize;
        const g = cfg.imageSize / p;
        const b = imgs.shape[0];
        const patches = tf.reshape(tf.transpose(tf.reshape(imgs, [b, g, p, g, p, 3]), [0, 1, 3, 2, 4, 5]), [b, g * g, p * p * 3]);
        const emb = tf.add(
          tf.add(tf.matMul(tf.reshape(patches, [b * g * g, -1]), vit.patchEmbed.proj.weight).reshape([b, g * g, -1]), vit.patchEmbed.proj.bias!),
          tf.slice(vit.posEmbed, [0, 1, 0], [1, -1, -1]),
        );
        const cls = tf.tile(tf.add(vit.clsToken, tf.slice(vit.posEmbed, [0, 0, 0], [1, 1, -1])), [b, 1, 1]);
        return tf.concat([cls, emb], 1);
      })();
    const block = vit.blocks.at(layer);
    const [b, n, d] = x.shape as number[];
    const mean = tf.mean(x, -1, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), -1, true);
    const normed = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, block.norm1.eps))), block.norm1.weight!), block.norm1.bias!);
    const qkv = tf
      .add(tf.matMul(tf.reshape(normed, [b * n, d]), block.attn.qkv!.weight), block.attn.qkv!.bias!)
      .reshape([b, n, 3, cfg.numHeads, d / cfg.numHeads]);
    const q = tf.transpose(tf.squeeze(tf.slice(qkv, [0, 0, 0, 0, 0], [-1, -1, 1, -1, -1]), [2]), [0, 2, 1, 3]);
    const k = tf.transpose(tf.squeeze(tf.slice(qkv, [0, 0, 1, 0, 0], [-1, -1, 1, -1, -1]), [2]), [0, 2, 1, 3]);
    return tf.softmax(tf.mul(tf.matMul(q, k, false, true), (d / cfg.numHeads) ** -0.5)).dataSync() as Float32Array;
  });
}

for (const backend of ['cpu', 'wasm', 'native'] as BackendName[]) {
  describe(`forwardAttention and clsAttentionMap (${backend})`, () => {
    it('return what the block computes, with rows summing to 1, without leaking', async (ctx) => {
      const info = await initBackend({ backend, quiet: true });
      if (info.backend !== backend) {
        if (process.env.ECAMP_NATIVE_REQUIRED === '1') throw new Error(`ECAMP_NATIVE_REQUIRED=1 but ${info.fallbackReason}`);
        console.warn(`[tests] ${backend} attention test skipped: ${info.fallbackReason}`);
        ctx.skip();
      }
      const vit = new VisionTransformer(cfg);
      const imgs = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 7);
      const before = tf.memory().numTensors;
      for (const layer of [0, 2]) {
        const attention = vit.forwardAttention(imgs, { layer });
        expect(attention.shape).toEqual([2, 2, 5, 5]);
        const got = attention.dataSync();
        const want = manualAttention(vit, imgs, layer);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        expect(worst).toBeLessThan(1e-5);
        const rows = tf.tidy(() => tf.sum(attention, -1).dataSync());
        for (const r of rows) expect(r).toBeCloseTo(1, 5);

        const map = clsAttentionMap(attention);
        expect(map.shape).toEqual([2, 4]);
        const m = map.dataSync();
        // mean over the two heads of row 0, columns 1..4
        for (let bi = 0; bi < 2; bi++) {
          for (let j = 0; j < 4; j++) {
            const a0 = want[((bi * 2 + 0) * 5 + 0) * 5 + 1 + j];
            const a1 = want[((bi * 2 + 1) * 5 + 0) * 5 + 1 + j];
            expect(Math.abs(m[bi * 4 + j] - (a0 + a1) / 2)).toBeLessThan(1e-5);
          }
        }
        const head1 = clsAttentionMap(attention, { head: 1 });
        expect(Math.abs(head1.dataSync()[3] - want[((0 * 2 + 1) * 5 + 0) * 5 + 4])).toBeLessThan(1e-5);
        tf.dispose([attention, map, head1]);
      }
      // the last block by default
      const last = vit.forwardAttention(imgs);
      const explicit = vit.forwardAttention(imgs, { layer: 2 });
      expect(Array.from(last.dataSync())).toEqual(Array.from(explicit.dataSync()));
      tf.dispose([last, explicit]);
      expect(tf.memory().numTensors).toBe(before);
      expect(() => vit.forwardAttention(imgs, { layer: 3 })).toThrow(/forwardAttention: layer 3 out of range for depth 3/);
      expect(() => clsAttentionMap(tf.zeros([2, 5, 5]))).toThrow(/must be \[B, heads, 1\+L, 1\+L\], got \[2,5,5\]/);
      expect(() => clsAttentionMap(tf.zeros([1, 2, 5, 5]), { head: 2 })).toThrow(/head 2 out of range for 2 heads/);
      imgs.dispose();
      vit.dispose();
    });
  });
}
