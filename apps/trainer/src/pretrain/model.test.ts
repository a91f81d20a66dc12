import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, writeSafetensors } from '@ecamp/core';
import { createVit, exportTimmState, saveTimmSafetensors } from '@ecamp/vision';
import { TINY_VISION_SETS } from '../../test/pretrain-fixtures.js';
import { loadConfig } from '../config/load.js';
import { EcampPretrainModel, encoderOverrides } from './model.js';

const small = [...TINY_VISION_SETS, 'objectives.mlm.enabled=false', 'objectives.superres.enabled=false'];

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('EcampPretrainModel', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('model.encoder overrides the preset sizes (and only the fields given)', () => {
    expect(encoderOverrides(loadConfig('tiny'))).toEqual({});
    expect(encoderOverrides(loadConfig('tiny', ['model.encoder.depth=2']))).toEqual({ depth: 2 });
    const model = new EcampPretrainModel(loadConfig('tiny', small), 1);
    expect(model.mae.embedDim).toBe(32);
    expect(model.mae.config.depth).toBe(1);
    model.dispose();
  });

  it('model.init loads timm/MAE weights into the encoder; decoder weights missing from the file stay random', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-init-'));
    // An encoder-only timm file, like MAE's released mae_pretrain_vit_base.pth.
    const source = createVit('tiny', { embedDim: 32, depth: 1, numHeads: 2, seed: 7 });
    const path = join(dir, 'encoder.safetensors');
    saveTimmSafetensors(source, path);
    const config = loadConfig('tiny', [...small, `model.init=${JSON.stringify(path)}`]);
    const model = new EcampPretrainModel(config, 1);
    const fresh = new EcampPretrainModel(config, 1);
    const report = model.loadInit(path);
    expect(report.loaded).toContain('blocks.0.attn.qkv.weight');
    expect(report.missing.every((n) => n.startsWith('decoder_') || n === 'mask_token')).toBe(true);
    expect(report.missing.length).toBeGreaterThan(0);
    const want = source.stateDict();
    const got = model.mae.stateDict();
    for (const name of Object.keys(want)) expect(maxDiff(got[name], want[name]), name).toBe(0);
    // The decoder is untouched: same values as a model that loaded nothing.
    expect(maxDiff(model.mae.stateDict()['decoder_pred.weight'], fresh.mae.stateDict()['decoder_pred.weight'])).toBe(0);
    expect(maxDiff(got['blocks.0.mlp.fc1.weight'], fresh.mae.stateDict()['blocks.0.mlp.fc1.weight'])).toBeGreaterThan(0);
    fresh.dispose();

    // A file without an encoder parameter is rejected by name.
    const partial = exportTimmState(source);
    partial.delete('blocks.0.mlp.fc2.bias');
    const partialPath = join(dir, 'partial.safetensors');
    writeSafetensors(partialPath, Object.fromEntries(partial));
    expect(() => model.loadInit(partialPath)).toThrow(
      /model\.init: .*partial\.safetensors lacks 1 encoder parameter\(s\) of preset 'tiny': blocks\.0\.mlp\.fc2\.bias/,
    );
    expect(() => model.loadInit(join(dir, 'absent.safetensors'))).toThrow(/model\.init: file not found: .*absent\.safetensors/);
    model.dispose();
    source.dispose();
  });
});
