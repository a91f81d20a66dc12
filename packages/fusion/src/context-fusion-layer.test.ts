import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkGradients,
  checkParameterGradients,
  gradStepTensorLeak,
  initBackend,
  readSafetensors,
  Rng,
  tensorFromData,
  tf,
  type TensorData,
} from '@ecamp/core';
import { ContextFusionLayer, type ContextFusionInput } from './context-fusion-layer.js';
import { fusionStateFromTorch } from './torch-import.js';
import { FUSION_VARIANTS, type FusionVariant } from './variant.js';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/fusion_layer.safetensors', import.meta.url));

/** The layer's input from loosely typed test tensors. */
function fusionInput(hidden: tf.Tensor, textMask: tf.Tensor, patches: tf.Tensor, pooled: tf.Tensor, returnAttention = false): ContextFusionInput {
  return { hidden: hidden as tf.Tensor3D, textMask: textMask as tf.Tensor2D, patches: patches as tf.Tensor3D, pooled: pooled as tf.Tensor2D, returnAttention };
}

function maxAbsDiff(a: tf.Tensor, b: TensorData): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  let m = 0;
  for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k] - b.data[k]));
  return m;
}

describe.each(['native', 'wasm', 'cpu'] as const)('ContextFusionLayer: PyTorch parity on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  const { tensors, metadata } = readSafetensors(FIXTURE);
  const dims = { dim: +metadata.D, numHeads: +metadata.H, intermediate: +metadata.I, imageDim: +metadata.Di, eps: +metadata.eps };

  for (const variant of FUSION_VARIANTS) {
    it(`matches PyTorch outputs, attention and gradients for '${variant}'`, () => {
      const layer = new ContextFusionLayer({ ...dims, variant, dropout: 0 });
      // The fixture holds every weight; a variant loads only the ones it has.
      const { unexpected } = layer.loadStateDict(fusionStateFromTorch(tensors), { strict: false });
      expect(unexpected.every((n) => /^(cross|pooled_proj|cross_norm)\./.test(n))).toBe(true);
      const [hidden, textMask, patches, pooled, probe] = ['hidden', 'text_mask', 'patches', 'pooled', 'probe'].map((n) => tensorFromData(tensors[n]));
      const out = layer.forward(fusionInput(hidden, textMask, patches, pooled, true));
      expect(maxAbsDiff(out.hidden, tensors[`${variant}/out`])).toBeLessThan(2e-5);
      if (tensors[`${variant}/attention`]) expect(maxAbsDiff(out.attention!, tensors[`${variant}/attention`])).toBeLessThan(1e-6);
      else expect(out.attention).toBeUndefined();

      // Gradients of sum(out · probe) with respect to the inputs and every weight.
      const named = layer.namedParameters();
      const loss = (h: tf.Tensor, pa: tf.Tensor, po: tf.Tensor) => tf.sum(tf.mul(layer.forward(fusionInput(h, textMask, pa, po)).hidden, probe)) as tf.Scalar;
      const { grads } = tf.variableGrads(
        () => loss(hidden, patches, pooled),
        named.map((p) => p.variable),
      );
      // tf.grads refuses inputs the graph does not use, so take only those the variant reads.
      const used = { hidden: true, patches: layer.attendsToImage, pooled: layer.pooledProj !== undefined };
      const usedNames = (['hidden', 'patches', 'pooled'] as const).filter((k) => used[k]);
      const given = { hidden, patches, pooled };
      const inputGrads = tf.grads((...xs: tf.Tensor[]) => {
        const v = { ...given, ...Object.fromEntries(usedNames.map((k, n) => [k, xs[n]])) };
        return loss(v.hidden, v.patches, v.pooled);
      })(usedNames.map((k) => given[k]));
      const ours: Record<string, tf.Tensor> = {};
      usedNames.forEach((k, n) => (ours[k] = inputGrads[n]));
      const torchGrads = fusionStateFromTorch(
        Object.fromEntries(
          Object.entries(tensors)
            .filter(([k]) => k.startsWith(`${variant}/grad/`))
            .map(([k, v]) => [k.slice(`${variant}/grad/`.length), v]),
        ) as Record<string, TensorData>,
      );
      for (const p of named) ours[p.name] = grads[p.variable.name];
      let checked = 0;
      for (const [name, ref] of Object.entries(torchGrads)) {
        expect(maxAbsDiff(ours[name], ref), name).toBeLessThan(5e-5);
        checked++;
      }
      for (const name of ['hidden', 'patches', 'pooled']) {
        const ref = tensors[`${variant}/grad/${name}`];
        // The reference stores only non-zero gradients: exactly the inputs the variant uses.
        expect(ref !== undefined, `${name} used by '${variant}'`).toBe(ours[name] !== undefined);
        if (ref) expect(maxAbsDiff(ours[name], ref), name).toBeLessThan(5e-5);
      }
      expect(checked).toBeGreaterThan(10);
      tf.dispose([hidden, textMask, patches, pooled, probe, out.hidden, out.attention, ...Object.values(ours)]);
      layer.dispose();
    });
  }
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('ContextFusionLayer: behaviour', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const rng = new Rng(5);
  const B = 2,
    L = 4,
    M = 5,
    D = 8,
    Di = 6,
    H = 2;
  const rand = (shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape, 'float32');

  it('passes a finite-difference gradient check (inputs and weights)', () => {
    const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di, dropout: 0, rng: new Rng(1) });
    const textMask = tf.tensor2d([
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ]);
    const x = [rand([B, L, D]), rand([B, M, Di]), rand([B, Di])];
    const r = checkGradients((h, pa, po) => layer.forward(fusionInput(h, textMask, pa, po)).hidden, x, { eps: 1e-2, probes: 10 });
    expect(r.maxRelError).toBeLessThan(2e-2);
    // Weights: finite differences on one parameter of every sub-layer.
    const loss = () => tf.sum(tf.mul(layer.forward(fusionInput(x[0], textMask, x[1], x[2])).hidden, probe)) as tf.Scalar;
    const probe = rand([B, L, D]);
    const vars = [layer.attn.qkv!.weight, layer.cross!.kv!.weight, layer.pooledProj!.weight, layer.crossNorm!.weight, layer.mlp.fc1.weight];
    const errors = checkParameterGradients(loss, vars, { eps: 1e-2, probes: 5 });
    expect(Math.max(...errors)).toBeLessThan(2e-2);
    probe.dispose();
    tf.dispose([textMask, ...x]);
    layer.dispose();
  });

  it('ignores padded text positions: changing a padded token leaves real positions unchanged', () => {
    const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di, dropout: 0 });
    const textMask = tf.tensor2d([
      [1, 1, 0, 0],
      [1, 1, 1, 0],
    ]);
    const h = rand([B, L, D]);
    const h2 = tf.tidy(() => tf.add(h, tf.mul(tf.oneHot(tf.tensor1d([3], 'int32'), L).reshape([1, L, 1]), 5)));
    const [patches, pooled] = [rand([B, M, Di]), rand([B, Di])];
    const a = layer.forward(fusionInput(h, textMask, patches, pooled)).hidden;
    const b = layer.forward(fusionInput(h2, textMask, patches, pooled)).hidden;
    const diff = tf.tidy(() => tf.abs(tf.sub(a, b)).slice([0, 0, 0], [B, 2, D]).max().dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([textMask, h, h2, patches, pooled, a, b]);
    layer.dispose();
  });

  it('returns attention [B, H, L, M] whose rows sum to 1, only for variants that cross-attend', () => {
    const [h, patches, pooled] = [rand([B, L, D]), rand([B, M, Di]), rand([B, Di])];
    const textMask = tf.ones([B, L]) as tf.Tensor2D;
    const expectAttention: Record<FusionVariant, boolean> = { 'patches+pooled': true, patches: true, pooled: false, none: false };
    for (const variant of FUSION_VARIANTS) {
      const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di, variant, dropout: 0 });
      expect(layer.attendsToImage).toBe(expectAttention[variant]);
      const out = layer.forward(fusionInput(h, textMask, patches, pooled, true));
      expect(out.hidden.shape).toEqual([B, L, D]);
      if (expectAttention[variant]) {
        expect(out.attention!.shape).toEqual([B, H, L, M]);
        const sums = tf.tidy(() => out.attention!.sum(-1).dataSync());
        for (const s of sums) expect(s).toBeCloseTo(1, 5);
      } else expect(out.attention).toBeUndefined();
      // Names: the variant decides which image parameters exist.
      const names = layer.namedParameters().map((p) => p.name);
      expect(names.includes('cross.kv.weight')).toBe(variant === 'patches+pooled' || variant === 'patches');
      expect(names.includes('pooled_proj.weight')).toBe(variant === 'patches+pooled' || variant === 'pooled');
      tf.dispose([out.hidden, out.attention]);
      layer.dispose();
    }
    tf.dispose([h, patches, pooled, textMask]);
  });

  it('the pooled term changes every text position; the image is ignored by variant none', () => {
    const [h, patches, pooled] = [rand([B, L, D]), rand([B, M, Di]), rand([B, Di])];
    const pooled2 = tf.add(pooled, 1);
    const textMask = tf.ones([B, L]) as tf.Tensor2D;
    for (const [variant, changes] of [
      ['pooled', true],
      ['none', false],
    ] as const) {
      const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di, variant, dropout: 0 });
      const a = layer.forward(fusionInput(h, textMask, patches, pooled)).hidden;
      const b = layer.forward(fusionInput(h, textMask, patches, pooled2)).hidden;
      const perPos = tf.tidy(() => Array.from(tf.abs(tf.sub(a, b)).max(-1).dataSync()));
      for (const d of perPos) expect(d > 1e-4).toBe(changes);
      tf.dispose([a, b]);
      layer.dispose();
    }
    tf.dispose([h, patches, pooled, pooled2, textMask]);
  });

  it('leaks no tensors across a forward + backward step', () => {
    const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di, dropout: 0.1, rng: new Rng(2) });
    const [h, patches, pooled] = [rand([B, L, D]), rand([B, M, Di]), rand([B, Di])];
    const textMask = tf.ones([B, L]) as tf.Tensor2D;
    expect(gradStepTensorLeak(() => tf.mean(layer.forward(fusionInput(h, textMask, patches, pooled, true)).hidden) as tf.Scalar)).toBe(0);
    tf.dispose([h, patches, pooled, textMask]);
    layer.dispose();
  });

  it('accepts an int32 text mask, and applies dropout only in training mode', () => {
    const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di, dropout: 0.5, rng: new Rng(3) });
    const [h, patches, pooled] = [rand([B, L, D]), rand([B, M, Di]), rand([B, Di])];
    const f32 = tf.tensor2d([
      [1, 1, 1, 0],
      [1, 1, 0, 0],
    ]);
    const i32 = tf.cast(f32, 'int32') as tf.Tensor2D;
    layer.eval();
    const a = layer.forward(fusionInput(h, f32, patches, pooled)).hidden;
    const b = layer.forward(fusionInput(h, i32, patches, pooled)).hidden;
    expect(maxDiff(a, b)).toBe(0); // same mask, other dtype; eval mode is deterministic
    layer.train();
    const c = layer.forward(fusionInput(h, f32, patches, pooled)).hidden;
    expect(maxDiff(a, c)).toBeGreaterThan(1e-3);
    tf.dispose([h, patches, pooled, f32, i32, a, b, c]);
    layer.dispose();
  });

  it('rejects inputs of the wrong shape, saying which', () => {
    const layer = new ContextFusionLayer({ dim: D, numHeads: H, intermediate: 12, imageDim: Di });
    const h = tf.zeros([B, L, D]) as tf.Tensor3D;
    const m = tf.ones([B, L]) as tf.Tensor2D;
    expect(() => layer.forward({ hidden: h, textMask: m, patches: tf.zeros([B, M, D]) as tf.Tensor3D, pooled: tf.zeros([B, Di]) as tf.Tensor2D })).toThrow(
      /patches must be \[2, M, 6\]/,
    );
    expect(() =>
      layer.forward({
        hidden: h,
        textMask: tf.ones([B, 3]) as tf.Tensor2D,
        patches: tf.zeros([B, M, Di]) as tf.Tensor3D,
        pooled: tf.zeros([B, Di]) as tf.Tensor2D,
      }),
    ).toThrow(/textMask must be \[2, 4\]/);
    expect(() => new ContextFusionLayer({ dim: 0, numHeads: 1, intermediate: 1 })).toThrow(/dim must be a positive integer/);
    layer.dispose();
  });
});
