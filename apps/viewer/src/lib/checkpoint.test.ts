import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, parseSafetensors, tf, writeSafetensors, type SafetensorsFile } from '@ecamp/core';
import { createMae, createVit, saveTimmSafetensors, type VisionTransformer } from '@ecamp/vision';
import { describeEncoderCheckpoint, loadEncoderCheckpoint, parseCheckpointBytes } from './checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'ecamp-viewer-ck-'));
const small = { imageSize: 32, depth: 2, seed: 3 };

function roundTrip(name: string, write: (path: string) => void): SafetensorsFile {
  const path = join(dir, name);
  write(path);
  return parseSafetensors(readFileSync(path), name);
}

function maxDiff(a: VisionTransformer, b: VisionTransformer, size = 32): number {
  return tf.tidy(() => {
    const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 11);
    return tf.max(tf.abs(tf.sub(a.forward(x), b.forward(x)))).dataSync()[0];
  });
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('loadEncoderCheckpoint', () => {
  it("reads the trainer's encoder.safetensors (timm names, TF layouts, preset in the metadata)", () => {
    const vit = createVit('tiny', small);
    // As the trainer's saveEncoder writes it.
    const file = roundTrip('encoder.safetensors', (p) =>
      writeSafetensors(p, Object.fromEntries(vit.namedParameters().map((q) => [q.name, q.variable])), {
        format: 'ecamp-vit-encoder-1',
        preset: 'tiny',
        step: '60',
      }),
    );
    const { vit: loaded, info } = loadEncoderCheckpoint(file, 'encoder.safetensors', { imageSize: 32 });
    expect(info.kind).toBe('encoder');
    expect(info.config).toMatchObject({ embedDim: 192, depth: 2, numHeads: 3, patchSize: 16, imageSize: 32, mlpRatio: 4 });
    expect(info.headsFrom).toMatch(/preset 'tiny'/);
    expect(info.ignored).toBe(0);
    expect(maxDiff(vit, loaded)).toBe(0);
    // Without the option the side defaults to 224 (the trainer's encoders have no pos_embed table).
    expect(describeEncoderCheckpoint(file, 'encoder.safetensors').config.imageSize).toBe(224);
    vit.dispose();
    loaded.dispose();
  });

  it("takes the encoder out of a full pre-training checkpoint ('mae.' prefix) and ignores the rest", () => {
    const mae = createMae('tiny', { ...small, decoderDepth: 1 });
    const state: Record<string, tf.Tensor> = {};
    for (const p of mae.namedParameters()) {
      state[`mae.${p.name}`] = p.variable;
      state[`optimizer.m.mae.${p.name}`] = p.variable;
    }
    state['text.embeddings.word.weight'] = tf.zeros([10, 8]);
    const file = roundTrip('pretrain.safetensors', (p) => writeSafetensors(p, state, { format: 'ecamp-checkpoint-1', step: '2' }));
    const { vit, info } = loadEncoderCheckpoint(file, 'pretrain.safetensors', { imageSize: 32 });
    expect(info.kind).toBe('pretrain');
    expect(info.prefix).toBe('mae.');
    // no preset in a pre-training checkpoint's metadata: timm's 64 channels per head
    expect(info.config.numHeads).toBe(3);
    expect(info.headsFrom).toMatch(/64 channels per head/);
    expect(info.ignored).toBeGreaterThan(mae.namedParameters().length);
    expect(maxDiff(mae, vit)).toBe(0);
    mae.dispose();
    vit.dispose();
  });

  it('reads a timm/PyTorch export (conv patch weights, [out, in] linears, pos_embed gives the image side)', () => {
    const vit = createVit('tiny', { ...small, imageSize: 48 });
    const file = roundTrip('timm.safetensors', (p) => saveTimmSafetensors(vit, p));
    const { vit: loaded, info } = loadEncoderCheckpoint(file, 'timm.safetensors');
    expect(info.kind).toBe('timm-pytorch');
    expect(info.config.imageSize).toBe(48);
    expect(maxDiff(vit, loaded, 48)).toBeLessThan(1e-6);
    vit.dispose();
    loaded.dispose();
  });

  it('says which file is not an encoder and why', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(() => parseSafetensors(png, 'chest.png')).toThrow(/chest\.png declares a \d+-byte header/);
    expect(() => parseCheckpointBytes(png, 'chest.png')).toThrow(/^chest\.png is a PNG image, not a safetensors checkpoint$/);
    expect(() => parseCheckpointBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]), 'mae.pth')).toThrow(
      /mae\.pth is a zip archive \(a PyTorch \.pth\? save it with safetensors\.torch\.save_file first\)/,
    );
    expect(() => parseCheckpointBytes(new Uint8Array(4), 'empty.safetensors')).toThrow(/parseSafetensors: empty\.safetensors is 4 bytes/);
    const notVit = roundTrip('head.safetensors', (p) => writeSafetensors(p, { 'head.weight': tf.zeros([4, 2]) }));
    expect(() => loadEncoderCheckpoint(notVit, 'head.safetensors')).toThrow(
      /^head\.safetensors: not a ViT encoder checkpoint: no 'cls_token'.*1 tensors start head\.weight/,
    );
    const vit = createVit('tiny', small);
    const params = Object.fromEntries(vit.namedParameters().map((q) => [q.name, q.variable]));
    const { 'blocks.0.mlp.fc1.weight': _fc1, ...noFc1 } = params;
    const noMlp = roundTrip('broken.safetensors', (p) => writeSafetensors(p, noFc1));
    expect(() => loadEncoderCheckpoint(noMlp, 'broken.safetensors')).toThrow(
      /broken\.safetensors: not a ViT encoder checkpoint: tensor 'blocks\.0\.mlp\.fc1\.weight' is missing/,
    );
    const { 'blocks.1.norm1.weight': _gone, ...missingOne } = params;
    const partial = roundTrip('partial.safetensors', (p) => writeSafetensors(p, missingOne, { preset: 'tiny' }));
    expect(() => loadEncoderCheckpoint(partial, 'partial.safetensors')).toThrow(
      /partial\.safetensors: not a ViT encoder checkpoint: .*missing \[blocks\.1\.norm1\.weight\]/,
    );
    const odd = roundTrip('odd.safetensors', (p) =>
      writeSafetensors(p, { cls_token: tf.zeros([1, 1, 40]), 'patch_embed.proj.weight': tf.zeros([768, 40]), 'blocks.0.mlp.fc1.weight': tf.zeros([40, 160]) }),
    );
    expect(() => describeEncoderCheckpoint(odd, 'odd.safetensors')).toThrow(/odd\.safetensors: .*head count is not in the file.*40 is not a multiple of 64/);
    expect(describeEncoderCheckpoint(odd, 'odd.safetensors', { numHeads: 4 }).config.numHeads).toBe(4);
    vit.dispose();
  });
});
