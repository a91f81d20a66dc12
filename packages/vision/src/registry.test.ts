/**
 * timm-style model test: every registered preset, on wasm and cpu, at 32 px (patch 16, so
 * L = 4 and one visible patch): forward and backward, output shapes, finite loss, and a
 * non-zero gradient for every parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { createMae, createVit } from './registry.js';
import { listVitPresets, VIT_PRESETS } from './vit-config.js';
import { MaskedAutoencoder } from './mae.js';
import { VisionTransformer } from './vit.js';

describe('registry', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('creates encoders and MAEs by preset name with overrides', () => {
    const vit = createVit('tiny', { imageSize: 32, depth: 1 });
    expect(vit).toBeInstanceOf(VisionTransformer);
    expect(vit).not.toBeInstanceOf(MaskedAutoencoder);
    expect(vit.blocks.length).toBe(1);
    expect(vit.numPatches).toBe(4);
    const mae = createMae('tiny', { imageSize: 32 });
    expect(mae.config.decoderEmbedDim).toBe(128);
    expect(() => createVit('giant')).toThrow(/unknown ViT preset 'giant'/);
    vit.dispose();
    mae.dispose();
  });
});

/** ViT-B on the plain-JavaScript cpu backend takes ~20 s idle, ~100 s on a busy 2-core machine. */
const SLOW = process.env.ECAMP_SLOW_TESTS === '1';

/**
 * One model per preset, created on wasm and then run on cpu too (TF.js moves the variables'
 * data to the active backend on first use), so the big presets are initialised once.
 */
describe.each(listVitPresets())('preset %s: forward/backward on wasm and cpu', (name) => {
  let mae: MaskedAutoencoder;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    mae = createMae(name, { imageSize: 32, seed: 1 });
  });
  afterAll(() => mae.dispose());

  it.each(['native', 'wasm', 'cpu'] as const)('on %s: right shapes, finite loss, a non-zero gradient for every parameter', async (backend) => {
    if (backend === 'cpu' && name === 'base' && !SLOW) {
      console.warn('[skip] base preset on the cpu backend: ~100 s on a busy machine; set ECAMP_SLOW_TESTS=1 to run it (wasm covers base here)');
      return;
    }
    await initBackend({ backend, quiet: true });
    const p = VIT_PRESETS[name];
    const imgs = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 11);
    const before = tf.memory().numTensors;
    const feats = mae.forwardFeatures(imgs, { layers: [0] });
    expect(feats.tokens.shape).toEqual([2, 5, p.embedDim]);
    expect(feats.layers[0].shape).toEqual([2, 5, p.embedDim]);
    tf.dispose(feats);

    const named = mae.namedParameters();
    const masking = mae.maskingFor(2, 0.75, new Rng(3));
    const { value, grads } = tf.variableGrads(
      () => {
        const out = mae.forwardPretrain(imgs, 0.75, masking);
        expect(out.latent.shape).toEqual([2, 2, p.embedDim]);
        expect(out.pred.shape).toEqual([2, 4, 16 * 16 * 3]);
        expect(out.mask.shape).toEqual([2, 4]);
        return out.loss;
      },
      named.map((q) => q.variable),
    );
    const loss = value.dataSync()[0];
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    expect(Object.keys(grads).length).toBe(named.length);
    // one read-back for all parameters: sum |g| per parameter
    const norms = tf.tidy(() => tf.stack(named.map((q) => tf.sum(tf.abs(grads[q.variable.name])))).dataSync());
    const zeroGrad = named.filter((_, i) => !(norms[i] > 0) || !Number.isFinite(norms[i])).map((q) => q.name);
    expect(zeroGrad).toEqual([]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    imgs.dispose();
  });
});
