import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { AdamW, checkGradients, trainStep, initBackend, Linear, Module, readSafetensors, Rng, tf, torchLinearToTf, type TensorData } from '@ecamp/core';
import { TextDecoder } from './text-decoder.js';
import { textDecoderConfig } from './config.js';
import type { FirstTextLayer, FirstTextLayerInput, FirstTextLayerOutput } from './first-layer.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/text_decoder.safetensors', import.meta.url));

function tensorOf(d: TensorData): tf.Tensor {
  return tf.tensor(d.data as Float32Array | Int32Array, d.shape, d.dtype as 'float32' | 'int32');
}

/** Fixture weights in our layout: Linear weights transposed, embeddings and vectors as they are. */
function fixtureState(tensors: Record<string, TensorData>): Record<string, TensorData> {
  const state: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.includes('/')) continue;
    state[name] = t.shape.length === 2 && !name.startsWith('embeddings.') ? torchLinearToTf(t) : t;
  }
  return state;
}

function fixtureDecoder(tensors: Record<string, TensorData>, meta: Record<string, string>): TextDecoder {
  const cfg = textDecoderConfig({
    vocabSize: Number(meta.V),
    dim: Number(meta.D),
    numLayers: Number(meta.layers),
    numHeads: Number(meta.H),
    intermediate: Number(meta.I),
    maxPositions: Number(meta.maxPositions),
    dropout: 0,
  });
  const dec = new TextDecoder(cfg, { rng: new Rng(1) });
  dec.loadStateDict(fixtureState(tensors));
  return dec;
}

/** A stand-in first layer that uses the image: adds a projection of the pooled token, returns a fake attention. */
class PooledAddLayer extends Module implements FirstTextLayer {
  readonly proj: Linear;
  constructor(
    readonly dim: number,
    imageDim: number,
  ) {
    super();
    this.proj = this.addModule('proj', new Linear(imageDim, dim, { rng: new Rng(3) }));
  }
  forward(input: FirstTextLayerInput): FirstTextLayerOutput {
    return tf.tidy(() => {
      const [b, l] = input.hidden.shape;
      const m = input.patches.shape[1];
      const add = tf.reshape(this.proj.forward(input.pooled), [b, 1, this.dim]);
      const out: Record<string, tf.Tensor> = { hidden: tf.add(input.hidden, add) };
      if (input.returnAttention) out.attention = tf.fill([b, 1, l, m], 1 / m);
      return out;
    }) as unknown as FirstTextLayerOutput;
  }
}

for (const backend of ['native', 'cpu', 'wasm'] as const) {
  describe(`TextDecoder on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend({ backend, quiet: true });
    });

    it('matches the PyTorch fixture: hidden states, both loss forms and gradients', () => {
      const { tensors, metadata } = readSafetensors(FIXTURE);
      const dec = fixtureDecoder(tensors, metadata);
      const inputIds = tensorOf(tensors['input/input_ids']) as tf.Tensor2D;
      const attentionMask = tensorOf(tensors['input/attention_mask']) as tf.Tensor2D;
      const labels = tensors['input/labels'].data as Int32Array;
      const weights = tensors['input/weights'].data as Float32Array;
      const fwd = dec.forward({ inputIds, attentionMask });
      const want = tensors['out/hidden'].data as Float32Array;
      const got = fwd.hidden.dataSync();
      let maxErr = 0;
      for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
      expect(maxErr).toBeLessThan(1e-4);
      fwd.hidden.dispose();

      const authors = dec.loss({ inputIds, attentionMask, labels, weights, reduction: 'authors' });
      expect(authors.loss.dataSync()[0]).toBeCloseTo((tensors['out/loss_authors'].data as Float32Array)[0], 4);
      authors.loss.dispose();

      const params = dec.namedParameters();
      const { value, grads } = tf.variableGrads(
        () => dec.loss({ inputIds, attentionMask, labels, weights }).loss,
        params.map((p) => p.variable),
      );
      expect(value.dataSync()[0]).toBeCloseTo((tensors['out/loss_weighted'].data as Float32Array)[0], 4);
      let worst = 0;
      let worstName = '';
      for (const p of params) {
        const torchGrad = tensors[`grad/${p.name}`];
        expect(torchGrad, p.name).toBeDefined();
        const ref = p.variable.rank === 2 && !p.name.startsWith('embeddings.') ? torchLinearToTf(torchGrad) : torchGrad;
        const g = grads[p.variable.name].dataSync();
        for (let i = 0; i < g.length; i++) {
          const e = Math.abs(g[i] - (ref.data as Float32Array)[i]);
          if (e > worst) [worst, worstName] = [e, p.name];
        }
      }
      expect(worst, `worst gradient ${worstName}`).toBeLessThan(1e-4);
      value.dispose();
      tf.dispose(grads);

      // The authors' code: original ids at every position (padding included), weights everywhere, mean over B·L.
      const labelsAll = tensors['input/labels_all'].data as Int32Array;
      const weightsAll = tensors['input/weights_all'].data as Float32Array;
      const all = tf.variableGrads(
        () => dec.loss({ inputIds, attentionMask, labels: labelsAll, weights: weightsAll, reduction: 'authors' }).loss,
        params.map((p) => p.variable),
      );
      expect(all.value.dataSync()[0]).toBeCloseTo((tensors['out/loss_authors_all'].data as Float32Array)[0], 4);
      let worstAll = 0;
      let worstAllName = '';
      for (const p of params) {
        const torchGrad = tensors[`grad_all/${p.name}`];
        const ref = p.variable.rank === 2 && !p.name.startsWith('embeddings.') ? torchLinearToTf(torchGrad) : torchGrad;
        const g = all.grads[p.variable.name].dataSync();
        for (let i = 0; i < g.length; i++) {
          const e = Math.abs(g[i] - (ref.data as Float32Array)[i]);
          if (e > worstAll) [worstAll, worstAllName] = [e, p.name];
        }
      }
      expect(worstAll, `worst gradient of the authors' loss ${worstAllName}`).toBeLessThan(1e-4);
      all.value.dispose();
      tf.dispose(all.grads);
      tf.dispose([inputIds, attentionMask]);
      dec.dispose();
    });

    it('a training step leaks no tensors', () => {
      const cfg = textDecoderConfig({ vocabSize: 30, dim: 8, numLayers: 2, numHeads: 2, intermediate: 16, maxPositions: 6 });
      const dec = new TextDecoder(cfg, { firstLayer: new PooledAddLayer(8, 4), rng: new Rng(2) });
      const opt = new AdamW(dec.namedParameters(), { lr: 1e-2, weightDecay: 0 });
      const inputIds = tf.tensor2d([[2, 3, 7, 9, 3, 0]], [1, 6], 'int32');
      const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1, 0]], [1, 6], 'int32');
      const image = { patches: tf.ones([1, 3, 4]) as tf.Tensor3D, pooled: tf.ones([1, 4]) as tf.Tensor2D };
      const labels = Int32Array.from([-100, 11, -100, -100, 12, -100]);
      const weights = Float32Array.from([1, 2, 1, 1, 0.5, 0]);
      const step = () => trainStep(dec, () => dec.loss({ inputIds, attentionMask, labels, weights, image }).loss, opt).loss;
      const first = step(); // the optimiser creates its moment slots on the first step
      const before = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 5; i++) last = step();
      expect(tf.memory().numTensors).toBe(before);
      expect(last).toBeLessThan(first);
      tf.dispose([inputIds, attentionMask, image.patches, image.pooled]);
      dec.dispose();
    });
  });
}

describe('TextDecoder behaviour', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });
  const cfg = textDecoderConfig({ vocabSize: 25, dim: 8, numLayers: 3, numHeads: 2, intermediate: 16, maxPositions: 10, dropout: 0 });

  it('names parameters in BERT/timm style and wires the supplied first layer', () => {
    const dec = new TextDecoder(cfg, { firstLayer: new PooledAddLayer(8, 4), rng: new Rng(1) });
    const names = dec.namedParameters().map((p) => p.name);
    for (const n of [
      'embeddings.word_embeddings.weight',
      'embeddings.LayerNorm.bias',
      'layers.0.proj.weight',
      'layers.1.attn.qkv.weight',
      'layers.2.mlp_norm.weight',
      'head.transform.dense.weight',
      'head.transform.LayerNorm.weight',
      'head.decoder.bias',
    ]) {
      expect(names).toContain(n);
    }
    dec.dispose();
  });

  it('returns hidden, logits and the first layer attention with the documented shapes', () => {
    const dec = new TextDecoder(cfg, { firstLayer: new PooledAddLayer(8, 4), rng: new Rng(1) });
    const inputIds = tf.tensor2d(
      [
        [2, 5, 6, 0],
        [2, 7, 3, 8],
      ],
      [2, 4],
      'int32',
    );
    const attentionMask = tf.tensor2d(
      [
        [1, 1, 1, 0],
        [1, 1, 1, 1],
      ],
      [2, 4],
      'int32',
    );
    const image = { patches: tf.randomNormal([2, 5, 4]) as tf.Tensor3D, pooled: tf.randomNormal([2, 4]) as tf.Tensor2D };
    const out = dec.forward({ inputIds, attentionMask, image, returnAttention: true, returnLogits: true });
    expect(out.hidden.shape).toEqual([2, 4, 8]);
    expect(out.logits!.shape).toEqual([2, 4, 25]);
    expect(out.attention!.shape).toEqual([2, 1, 4, 5]);
    // The image changes the text states (the stand-in layer adds the projected pooled token).
    const other = dec.forward({ inputIds, attentionMask, image: { patches: image.patches, pooled: tf.zerosLike(image.pooled) as tf.Tensor2D } });
    expect(tf.max(tf.abs(tf.sub(out.hidden, other.hidden))).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(() => dec.forward({ inputIds, attentionMask })).toThrow(/image/);
    tf.dispose([inputIds, attentionMask, image.patches, image.pooled, out.hidden, out.logits!, out.attention!, other.hidden]);
    dec.dispose();
  });

  it('loss equals the weighted cross-entropy computed from full logits (no one-hot path)', () => {
    const dec = new TextDecoder(cfg, { rng: new Rng(4) });
    const inputIds = tf.tensor2d(
      [
        [2, 3, 6, 3, 0],
        [2, 7, 3, 8, 9],
      ],
      [2, 5],
      'int32',
    );
    const attentionMask = tf.tensor2d(
      [
        [1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1],
      ],
      [2, 5],
      'int32',
    );
    const labels = Int32Array.from([-100, 11, -100, 14, -100, -100, -100, 20, -100, -100]);
    const weights = Float32Array.from([1, 0.3, 1, 2.5, 0, 1, 1, 0.05, 1, 1]);
    const logits = dec.forward({ inputIds, attentionMask, returnLogits: true }).logits!.arraySync() as number[][][];
    let num = 0;
    let den = 0;
    labels.forEach((lab, i) => {
      if (lab < 0) return;
      const row = logits[Math.floor(i / 5)][i % 5];
      const mx = Math.max(...row);
      const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
      num += weights[i] * (lse - row[lab]);
      den += weights[i];
    });
    const r = dec.loss({ inputIds, attentionMask, labels, weights });
    expect(r.loss.dataSync()[0]).toBeCloseTo(num / den, 4);
    expect(r.maskedTokens).toBe(3);
    expect(r.weightSum).toBeCloseTo(2.85, 5);
    const a = dec.loss({ inputIds, attentionMask, labels, weights, reduction: 'authors' });
    expect(a.loss.dataSync()[0]).toBeCloseTo(num / 10, 4);
    const none = dec.loss({ inputIds, attentionMask, labels: new Int32Array(10).fill(-100), weights });
    expect(none.loss.dataSync()[0]).toBe(0);
    expect(() => dec.loss({ inputIds, attentionMask, labels: new Int32Array(3), weights })).toThrow(/labels have 3 entries/);
    expect(() => dec.loss({ inputIds, attentionMask, labels: labels.map((l) => (l >= 0 ? 99 : l)), weights })).toThrow(/vocabSize/);
    tf.dispose([inputIds, attentionMask, r.loss, a.loss, none.loss]);
    dec.dispose();
  });

  it('passes a finite-difference gradient check of the weighted loss through every layer', () => {
    // Gradient w.r.t. the pooled image token flows through all layers, the head and the cross-entropy.
    const dec = new TextDecoder(cfg, { firstLayer: new PooledAddLayer(8, 4), rng: new Rng(6) });
    const inputIds = tf.tensor2d([[2, 3, 6, 3, 0]], [1, 5], 'int32');
    const attentionMask = tf.tensor2d([[1, 1, 1, 1, 0]], [1, 5], 'int32');
    const patches = tf.zeros([1, 2, 4]) as tf.Tensor3D;
    const labels = Int32Array.from([-100, 11, -100, 14, -100]);
    const weights = Float32Array.from([1, 0.7, 1, 1.8, 0]);
    const pooled = tf.randomNormal([1, 4], 0, 1, 'float32', 8);
    const r = checkGradients((p) => dec.loss({ inputIds, attentionMask, labels, weights, image: { patches, pooled: p as tf.Tensor2D } }).loss, [pooled], {
      eps: 1e-2,
      probes: 4,
    });
    expect(r.maxRelError).toBeLessThan(2e-2);
    dec.dispose();
  });

  it('rejects a first layer of the wrong width', () => {
    expect(() => new TextDecoder(cfg, { firstLayer: new PooledAddLayer(6, 4) })).toThrow(/dim 6/);
  });
});
