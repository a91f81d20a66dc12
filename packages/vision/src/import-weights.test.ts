import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, writeSafetensors } from '@ecamp/core';
import { MAE_TINY_CONFIG as cfg, fixtureCheckpoint, fixturePath, loadFixture } from '../test/helpers.js';
import { loadTimmSafetensors, loadTimmWeights, toFloatState } from './import-weights.js';
import { MaskedAutoencoder } from './mae.js';
import { VisionTransformer } from './vit.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('loadTimmSafetensors', () => {
  it('loads a PyTorch-written MAE checkpoint, converting the conv patch kernel and Linear layouts', () => {
    const mae = new MaskedAutoencoder(cfg);
    const report = loadTimmSafetensors(mae, fixturePath('mae_tiny.safetensors'));
    expect(report.missing).toEqual([]);
    expect(report.loaded.length).toBe(mae.namedParameters().length);
    // test data keys in the fixture file are "unused" by the model
    expect(report.unused.every((k) => k.startsWith('input.') || k.startsWith('out.'))).toBe(true);
    const { state } = loadFixture('mae_tiny.safetensors');
    const conv = state.get('patch_embed.proj.weight')!; // [24, 3, 8, 8]
    const ours = mae.patchEmbed.proj.weight.arraySync() as number[][]; // [192, 24]
    // our row (pi*8 + qi)*3 + c, column o  ==  conv[o, c, pi, qi]
    const [o, c, pi, qi] = [5, 2, 3, 6];
    expect(ours[(pi * 8 + qi) * 3 + c][o]).toBeCloseTo(conv.data[((o * 3 + c) * 8 + pi) * 8 + qi], 6);
    const fc1 = state.get('blocks.1.mlp.fc1.weight')!; // [96, 24] (PyTorch [out, in])
    expect((mae.blocks.at(1).mlp.fc1.weight.arraySync() as number[][])[7][40]).toBeCloseTo(fc1.data[40 * 24 + 7], 6);
    mae.dispose();
  });

  it('says which parameters a checkpoint lacks, and rejects a wrong position table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-import-'));
    try {
      const { state } = loadFixture('mae_tiny.safetensors');
      // the checkpoint part of the fixture without `norm.bias`
      const partial = fixtureCheckpoint(state);
      partial.delete('norm.bias');
      const path = join(dir, 'partial.safetensors');
      writeSafetensors(path, Object.fromEntries(partial));
      const vit = new VisionTransformer(cfg);
      expect(() => loadTimmSafetensors(vit, path)).toThrow(/checkpoint lacks 1 model parameter\(s\): norm\.bias/);
      expect(loadTimmSafetensors(vit, path, { requireAll: false }).missing).toEqual(['norm.bias']);

      const pos = state.get('pos_embed')!;
      const shifted = new Map(state);
      shifted.set('pos_embed', { dtype: 'float32', shape: pos.shape, data: pos.data.map((v, i) => (i === 30 ? v + 0.5 : v)) });
      expect(() => loadTimmWeights(vit, shifted)).toThrow(/pos_embed: differs from the fixed 2-D sin-cos table/);
      expect(loadTimmWeights(vit, shifted, { posEmbed: 'skip' }).missing).toEqual([]);
      vit.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses integer tensors as weights, naming the file', () => {
    expect(() => toFloatState({ w: { dtype: 'int32', shape: [1], data: new Int32Array(1) } }, 'x.safetensors')).toThrow(/x\.safetensors: tensor 'w' is int32/);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const vit = new VisionTransformer(cfg);
    loadTimmSafetensors(vit, fixturePath('mae_tiny.safetensors'));
    vit.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
