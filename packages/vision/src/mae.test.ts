import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, initBackend, namedGradients, disposeGrads, Rng, tf } from '@ecamp/core';
import { MaskedAutoencoder } from './mae.js';
import { maskingFromNoise } from './masking.js';
import { resolveMaeConfig } from './vit-config.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

// 64 px, patch 16: L = 16, keep 4
const cfg = resolveMaeConfig('tiny', { imageSize: 64, embedDim: 32, depth: 2, numHeads: 2, decoderEmbedDim: 16, decoderDepth: 1, decoderNumHeads: 2, seed: 7 });

describe('MaskedAutoencoder', () => {
  it('encodes exactly lenKeep visible patches per sample, and the mask/ids agree', () => {
    const mae = new MaskedAutoencoder(cfg);
    const imgs = tf.randomNormal([3, 64, 64, 3], 0, 1, 'float32', 1);
    const enc = mae.forwardEncoder(imgs, 0.75, new Rng(1));
    expect(enc.latent.shape).toEqual([3, 5, 32]);
    expect(enc.mask.shape).toEqual([3, 16]);
    expect(enc.idsRestore.dtype).toBe('int32');
    const mask = enc.mask.arraySync();
    const keep = enc.idsKeep.arraySync();
    for (let b = 0; b < 3; b++) {
      expect(mask[b].filter((v) => v === 0).length).toBe(4);
      for (const k of keep[b]) expect(mask[b][k]).toBe(0);
    }
    // the decoder returns every patch
    const pred = mae.forwardDecoder(enc.latent, enc.idsRestore);
    expect(pred.shape).toEqual([3, 16, 16 * 16 * 3]);
    tf.dispose([imgs, enc, pred]);
    mae.dispose();
  });

  it('without its decoder: the same encoder (parameters and output), no decoder parameter, and forwardDecoder refuses', () => {
    const full = new MaskedAutoencoder(cfg);
    const encoderOnly = new MaskedAutoencoder(cfg, { decoder: false });
    expect(encoderOnly.hasDecoder).toBe(false);
    const names = encoderOnly.namedParameters().map((p) => p.name);
    expect(names).toEqual(
      full
        .namedParameters()
        .map((p) => p.name)
        .filter((n) => !n.startsWith('decoder_') && n !== 'mask_token'),
    );
    expect(names.length).toBeGreaterThan(0);
    const imgs = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 3);
    const a = full.forwardEncoder(imgs, 0.75, new Rng(4));
    const b = encoderOnly.forwardEncoder(imgs, 0.75, new Rng(4));
    expect(b.latent.arraySync()).toEqual(a.latent.arraySync());
    expect(() => encoderOnly.forwardDecoder(b.latent, b.idsRestore)).toThrow(/built without its decoder/);
    tf.dispose([imgs, a, b]);
    const before = tf.memory().numTensors;
    encoderOnly.dispose();
    full.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('visible tokens equal the unmasked encoder when nothing is removed (masking only selects)', () => {
    // maskRatio 0 keeps all patches, in noise order: sort back and compare with forwardFeatures
    const mae = new MaskedAutoencoder(cfg);
    const imgs = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 2);
    const noise = Array.from({ length: 16 }, (_, i) => (i * 7) % 16);
    const m = maskingFromNoise(noise, 1, 16, 0);
    const enc = mae.forwardEncoder(imgs, 0, m);
    const full = mae.forwardFeatures(imgs).tokens;
    const latent = enc.latent.arraySync()[0];
    const tokens = full.arraySync()[0];
    for (let r = 0; r < 16; r++) {
      const patch = m.idsKeep[r];
      latent[1 + r].forEach((v, d) => expect(v).toBeCloseTo(tokens[1 + patch][d], 4));
    }
    tf.dispose([imgs, enc, full]);
    mae.dispose();
  });

  it('masks per seed deterministically, and its own stream advances between calls', () => {
    const a = new MaskedAutoencoder(cfg);
    const b = new MaskedAutoencoder(cfg);
    const imgs = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 3);
    const maskOf = (model: MaskedAutoencoder, src?: Rng) => {
      const e = model.forwardEncoder(imgs, 0.75, src);
      const v = Array.from(e.mask.dataSync());
      tf.dispose(e);
      return v;
    };
    expect(maskOf(a, new Rng(5))).toEqual(maskOf(a, new Rng(5)));
    expect(maskOf(a, new Rng(5))).not.toEqual(maskOf(a, new Rng(6)));
    // default source: the model's seeded stream — same sequence for the same seed, new mask per call
    const a1 = maskOf(a);
    const a2 = maskOf(a);
    expect(a1).not.toEqual(a2);
    expect([maskOf(b), maskOf(b)]).toEqual([a1, a2]);
    imgs.dispose();
    a.dispose();
    b.dispose();
  });

  it('one training step (forward, backward, AdamW) leaves tf.memory().numTensors unchanged and lowers the loss', () => {
    const mae = new MaskedAutoencoder(cfg);
    const imgs = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 4);
    const params = mae.namedParameters();
    const opt = new AdamW(params, { lr: 1e-3 });
    const masking = mae.maskingFor(2, 0.75, new Rng(8));
    const step = (): number => {
      const { loss, grads } = namedGradients(params, () => mae.forwardPretrain(imgs, 0.75, masking).loss);
      const v = loss.dataSync()[0];
      opt.step(grads);
      disposeGrads(grads);
      loss.dispose();
      return v;
    };
    const first = step(); // creates the optimiser moments
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    let last = first;
    for (let i = 0; i < 5; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
    opt.dispose();
    imgs.dispose();
    mae.dispose();
  });

  it('rejects indices of the wrong shape', () => {
    const mae = new MaskedAutoencoder(cfg);
    const imgs = tf.zeros([2, 64, 64, 3]);
    const m = maskingFromNoise(
      new Array(16).fill(0).map((_, i) => i),
      1,
      16,
      0.75,
    );
    expect(() => mae.forwardEncoder(imgs, 0.75, m)).toThrow(/masking indices are for \[1, 16\], batch is \[2, 16\]/);
    const one = tf.zeros([1, 64, 64, 3]);
    expect(() => mae.forwardEncoder(one, 0.5, m)).toThrow(/keep 4 of 16 patches, maskRatio 0.5 keeps 8/);
    one.dispose();
    const latent = tf.zeros([2, 5, 32]);
    const ids = tf.zeros([2, 9], 'int32');
    expect(() => mae.forwardDecoder(latent, ids)).toThrow(/idsRestore must be \[2, 16\]/);
    tf.dispose([imgs, latent, ids]);
    mae.dispose();
  });
});
