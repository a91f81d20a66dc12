import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, readSafetensors, tf } from '@ecamp/core';
import { MAE_TINY_CONFIG as cfg, fixtureCheckpoint, fixturePath, loadFixture } from '../test/helpers.js';
import { exportTimmState, saveTimmSafetensors } from './export-weights.js';
import { loadTimmSafetensors } from './import-weights.js';
import { MaskedAutoencoder } from './mae.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('exportTimmState / saveTimmSafetensors', () => {
  it('reproduces the PyTorch state dict the weights came from, bit for bit (tables within 1e-6)', () => {
    const mae = new MaskedAutoencoder(cfg);
    loadTimmSafetensors(mae, fixturePath('mae_tiny.safetensors'));
    const exported = exportTimmState(mae);
    const { state } = loadFixture('mae_tiny.safetensors');
    const original = [...fixtureCheckpoint(state)];
    expect([...exported.keys()].sort()).toEqual(original.map(([k]) => k).sort());
    for (const [key, t] of original) {
      const e = exported.get(key)!;
      expect(e.shape, key).toEqual(t.shape);
      if (key.endsWith('pos_embed')) {
        let worst = 0;
        t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - e.data[i]))));
        expect(worst, key).toBeLessThan(1e-6);
      } else {
        expect(Array.from(e.data), key).toEqual(Array.from(t.data));
      }
    }
    mae.dispose();
  });

  it('writes a file that loads back into a fresh model with identical parameters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-export-'));
    try {
      const a = new MaskedAutoencoder({ ...cfg, seed: 1 });
      const b = new MaskedAutoencoder({ ...cfg, seed: 2 });
      const path = join(dir, 'mae.safetensors');
      saveTimmSafetensors(a, path, { note: 'test' });
      const file = readSafetensors(path);
      expect(file.metadata.format).toBe('pt');
      expect(file.tensors['patch_embed.proj.weight'].shape).toEqual([24, 3, 8, 8]); // conv layout
      expect(file.tensors['blocks.0.attn.qkv.weight'].shape).toEqual([72, 24]); // [out, in]
      const before = tf.memory().numTensors;
      loadTimmSafetensors(b, path);
      expect(tf.memory().numTensors).toBe(before);
      const pa = a.namedParameters();
      b.namedParameters().forEach((p, i) => expect(Array.from(p.variable.dataSync()), p.name).toEqual(Array.from(pa[i].variable.dataSync())));
      a.dispose();
      b.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
