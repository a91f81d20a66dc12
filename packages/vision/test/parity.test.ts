/**
 * Parity with PyTorch (fixtures from tooling/parity/vision/make_fixtures.py): a ViT block's
 * forward and gradients, and the whole tiny MAE — features, masking, latent, prediction, both
 * losses and every parameter gradient — within 1e-4, on the native, cpu and wasm backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf, TransformerBlock } from '@ecamp/core';
import { timmToEcamp } from '../src/checkpoint-filter.js';
import { loadTimmWeights } from '../src/import-weights.js';
import { MaskedAutoencoder } from '../src/mae.js';
import { maskingFromNoise } from '../src/masking.js';
import { VisionTransformer } from '../src/vit.js';
import { fixtureCheckpoint, loadFixture, scaledMaxDiff, values, withPrefix } from './helpers.js';

const TOL = 1e-4;

describe.each(['native', 'cpu', 'wasm'] as const)('PyTorch parity on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, quiet: true });
  });

  it('ViT block: forward and gradients of input and every parameter', () => {
    const { state, metadata } = loadFixture('vit_block.safetensors');
    const block = new TransformerBlock(Number(metadata.dim), Number(metadata.heads), { eps: 1e-6, rng: new Rng(5) });
    // the filter knows block keys under their timm path: map as `blocks.0.*`, load without the prefix
    const asBlock0 = (prefix: string) => new Map([...withPrefix(state, prefix)].filter(([k]) => k !== 'x').map(([k, v]) => [`blocks.0.${k}`, v]));
    const params = withPrefix(timmToEcamp(asBlock0('param.'), { strict: true }).tensors, 'blocks.0.');
    block.loadStateDict(Object.fromEntries(params));
    const x = tf.tensor(state.get('input.x')!.data, state.get('input.x')!.shape);
    const upstream = tf.tensor(state.get('input.upstream')!.data, state.get('input.upstream')!.shape);
    const y = block.forward(x);
    expect(scaledMaxDiff(values(y), state.get('out.y')!.data)).toBeLessThan(TOL);

    const named = block.namedParameters();
    const f = (xi: tf.Tensor): tf.Scalar => tf.sum(tf.mul(block.forward(xi), upstream));
    const gx = tf.grad(f)(x);
    expect(scaledMaxDiff(values(gx), state.get('grad.x')!.data)).toBeLessThan(TOL);
    const { grads } = tf.variableGrads(
      () => f(x),
      named.map((p) => p.variable),
    );
    // reference grads are in PyTorch layout: map them like weights
    const refGrads = withPrefix(timmToEcamp(asBlock0('grad.'), { strict: true }).tensors, 'blocks.0.');
    for (const p of named) {
      const ref = refGrads.get(p.name);
      expect(ref, p.name).toBeDefined();
      expect(scaledMaxDiff(values(grads[p.variable.name]), ref!.data), p.name).toBeLessThan(TOL);
    }
    tf.dispose([x, upstream, y, gx, ...Object.values(grads)]);
    block.dispose();
  });

  describe('tiny MAE', () => {
    const { state, metadata } = loadFixture('mae_tiny.safetensors');
    const grads = loadFixture('mae_tiny_grads.safetensors').state;
    const cfg = {
      imageSize: Number(metadata.img),
      patchSize: Number(metadata.patch),
      inChannels: Number(metadata.in_chans),
      embedDim: Number(metadata.dim),
      depth: Number(metadata.depth),
      numHeads: Number(metadata.heads),
      decoderEmbedDim: Number(metadata.dec_dim),
      decoderDepth: Number(metadata.dec_depth),
      decoderNumHeads: Number(metadata.dec_heads),
      mlpRatio: 4,
      normEps: 1e-6,
      seed: 3,
      maskRatio: Number(metadata.mask_ratio),
      normPixLoss: false,
    };
    const checkpoint = fixtureCheckpoint(state);
    const batch = Number(metadata.batch);
    let mae: MaskedAutoencoder;
    let imgs: tf.Tensor;

    beforeAll(() => {
      mae = new MaskedAutoencoder(cfg);
      const report = loadTimmWeights(mae, checkpoint);
      expect(report.missing).toEqual([]);
      expect(report.unused).toEqual([]);
      expect(report.skipped.map((s) => s.key).sort()).toEqual(['decoder_pos_embed', 'pos_embed']);
      imgs = tf.tensor(state.get('input.imgs_nhwc')!.data, state.get('input.imgs_nhwc')!.shape);
    });
    afterAll(() => {
      mae.dispose();
      imgs.dispose();
    });

    it('imports every parameter and the unmasked features match', () => {
      const feats = mae.forwardFeatures(imgs);
      expect(scaledMaxDiff(values(feats.tokens), state.get('out.features')!.data)).toBeLessThan(TOL);
      tf.dispose(feats);
    });

    it('a plain ViT loads the same checkpoint (decoder keys unused) and gives the same features', () => {
      const vit = new VisionTransformer(cfg);
      const report = loadTimmWeights(vit, checkpoint);
      expect(report.unused.some((k) => k.startsWith('decoder_'))).toBe(true);
      expect(report.unused).toContain('mask_token');
      const tokens = vit.forward(imgs);
      expect(scaledMaxDiff(values(tokens), state.get('out.features')!.data)).toBeLessThan(TOL);
      tokens.dispose();
      vit.dispose();
    });

    it('masking, latent, prediction, both losses and all gradients match', () => {
      const L = mae.numPatches;
      const masking = maskingFromNoise(state.get('input.noise')!.data, batch, L, cfg.maskRatio);
      const out = mae.forwardPretrain(imgs, cfg.maskRatio, masking);
      expect(Array.from(values(out.mask))).toEqual(Array.from(state.get('out.mask')!.data));
      expect(Array.from(values(out.idsRestore))).toEqual(Array.from(state.get('out.ids_restore')!.data));
      expect(scaledMaxDiff(values(out.latent), state.get('out.latent')!.data)).toBeLessThan(TOL);
      expect(scaledMaxDiff(values(out.pred), state.get('out.pred')!.data)).toBeLessThan(TOL);
      expect(scaledMaxDiff(values(out.loss), state.get('out.loss')!.data)).toBeLessThan(TOL);

      const normPix = new MaskedAutoencoder({ ...cfg, normPixLoss: true });
      const lossNp = normPix.forwardLoss(imgs, out.pred, out.mask);
      expect(scaledMaxDiff(values(lossNp), state.get('out.loss_norm_pix')!.data)).toBeLessThan(TOL);
      normPix.dispose();
      tf.dispose([out, lossNp]);

      const named = mae.namedParameters();
      const g = tf.variableGrads(
        () => mae.forwardPretrain(imgs, cfg.maskRatio, masking).loss,
        named.map((p) => p.variable),
      );
      const ref = timmToEcamp(withPrefix(grads, 'grad.')).tensors;
      expect(ref.size).toBe(named.length);
      for (const p of named) {
        expect(ref.get(p.name), p.name).toBeDefined();
        expect(scaledMaxDiff(values(g.grads[p.variable.name]), ref.get(p.name)!.data), p.name).toBeLessThan(TOL);
      }
      tf.dispose([g.value, ...Object.values(g.grads)]);
    });
  });
});
