import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, writeSafetensors } from '@ecamp/core';
import { createVit, saveTimmSafetensors } from '@ecamp/vision';
import { tempDir } from '../../test/finetune-fixtures.js';
import { inferVitShape, loadFinetuneEncoder } from './encoder.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const dir = tempDir('finetune-encoder-');

function sameOutput(a: ReturnType<typeof createVit>, b: ReturnType<typeof createVit>, size: number): number {
  return tf.tidy(() => {
    const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    return tf.max(tf.abs(tf.sub(a.forwardFeatures(x).tokens, b.forwardFeatures(x).tokens))).dataSync()[0];
  });
}

describe('loadFinetuneEncoder', () => {
  it('builds a random encoder of a preset at the asked size and seed', () => {
    const { vit, info } = loadFinetuneEncoder('random', { vit: 'tiny', imageSize: 64, seed: 3 });
    expect(info).toMatchObject({
      source: 'random',
      format: 'random',
      preset: 'tiny',
      seed: 3,
      config: { imageSize: 64, embedDim: 192, depth: 4, numHeads: 3, patchSize: 16 },
    });
    const again = loadFinetuneEncoder('random', { vit: 'tiny', imageSize: 64, seed: 3 }).vit;
    expect(sameOutput(vit, again, 64)).toBe(0);
    vit.dispose();
    again.dispose();
    expect(() => loadFinetuneEncoder('random', { vit: 'huge', imageSize: 64, seed: 0 })).toThrow(/--vit: unknown preset 'huge'/);
  });

  it('loads an ecamp encoder file strictly, its shape read from the tensors and its heads from the preset', () => {
    const src = createVit('tiny', { imageSize: 64, seed: 9 });
    const path = join(dir, 'encoder.safetensors');
    writeSafetensors(path, src.stateDict(), { format: 'ecamp-vit-encoder-1', preset: 'tiny' });
    const { vit, info } = loadFinetuneEncoder(path, { vit: 'tiny', imageSize: 64, seed: 0 });
    expect(info).toMatchObject({ format: 'ecamp-vit-encoder-1', preset: 'tiny', config: { embedDim: 192, depth: 4, numHeads: 3, patchSize: 16, mlpRatio: 4 } });
    expect(info.notes.join()).toMatch(/heads 3 from the file's preset 'tiny'/);
    expect(sameOutput(src, vit, 64)).toBeLessThan(1e-6);
    vit.dispose();
    src.dispose();
  });

  it('loads a timm/MAE state dict, and a width without a preset with 64-wide heads', () => {
    const src = createVit('tiny', { imageSize: 64, embedDim: 128, depth: 2, numHeads: 2, seed: 4 });
    const path = join(dir, 'timm.safetensors');
    saveTimmSafetensors(src, path);
    const { vit, info } = loadFinetuneEncoder(path, { vit: 'tiny', imageSize: 64, seed: 0 });
    expect(info).toMatchObject({ format: 'timm', config: { embedDim: 128, depth: 2, numHeads: 2 } });
    expect(info.notes.join()).toMatch(/heads 2 = width 128 \/ 64/);
    expect(sameOutput(src, vit, 64)).toBeLessThan(1e-5);
    vit.dispose();
    src.dispose();
  });

  it('refuses a missing file and tensors that are not a ViT, naming the file', () => {
    expect(() => loadFinetuneEncoder(join(dir, 'none.safetensors'), { vit: 'tiny', imageSize: 64, seed: 0 })).toThrow(
      /--encoder: .*none\.safetensors does not exist/,
    );
    const junk = join(dir, 'junk.safetensors');
    writeSafetensors(junk, { w: tf.zeros([2, 2]) });
    expect(() => loadFinetuneEncoder(junk, { vit: 'tiny', imageSize: 64, seed: 0 })).toThrow(/junk\.safetensors: no cls_token/);
    expect(() =>
      inferVitShape(
        {
          cls_token: { shape: [1, 1, 100], dtype: 'float32', data: new Float32Array(100) },
          'blocks.0.x': { shape: [1], dtype: 'float32', data: new Float32Array(1) },
          'patch_embed.proj.weight': { shape: [768, 100], dtype: 'float32', data: new Float32Array(76800) },
        },
        undefined,
        'f',
      ),
    ).toThrow(/cannot tell the number of attention heads of a 100-wide ViT/);
  });
});
