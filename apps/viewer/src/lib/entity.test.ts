import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { initBackend, parseSafetensors, tf, writeSafetensors } from '@ecamp/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import '../../test/fixtures.js';
import { maxAbsDiff, trainerEntityReference } from '../../test/reference.js';
import { loadEncoderCheckpoint } from './checkpoint.js';
import { describeTextSide, entityAttention, loadEntityQueryModel, tokenizerFromText } from './entity.js';
import { imageToInput } from './image.js';

const fx = inject('viewer');

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('entity queries through the fusion layer', () => {
  it("equal the trainer's own text→image attention of the same words, from the run's pre-training checkpoint", async () => {
    const name = 'pretrain.safetensors';
    const file = parseSafetensors(readFileSync(fx.pretrain), name);
    const config = JSON.parse(readFileSync(join(fx.runDir, 'config.json'), 'utf8'));
    const text = loadEntityQueryModel(file, name, config);
    expect(text.info).toMatchObject({
      dim: 192,
      layers: 2,
      heads: 3,
      headsFrom: "the run's config.json",
      variant: 'patches+pooled',
      imageDim: 192,
      maxPositions: 128,
    });
    const { vit } = loadEncoderCheckpoint(file, name);
    const tokenizer = tokenizerFromText(readFileSync(join(fx.runDir, 'tokenizer.json'), 'utf8'), 'tokenizer.json', text.info.maxPositions);
    const { data, info } = await sharp(fx.image224).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const input = imageToInput({ data: new Uint8Array(data), width: info.width, height: info.height }, 224);
    const before = tf.memory().numTensors;
    const ours = await entityAttention(vit, text, tokenizer, 'pleural effusion', input);
    expect(tf.memory().numTensors).toBe(before);
    expect(ours.grid).toBe(14);
    expect(ours.tokens.length).toBeGreaterThanOrEqual(2);
    // each query token's attention over the patches sums to 1 (mean over heads keeps that)
    expect(ours.raw.reduce((a, b) => a + b, 0)).toBeCloseTo(ours.tokens.length, 4);
    const trainer = await trainerEntityReference(fx.runDir, fx.image224, 'pleural effusion');
    expect(maxAbsDiff(ours.raw, trainer.raw)).toBeLessThan(1e-5);
    expect(maxAbsDiff(ours.map, trainer.map)).toBeLessThan(1e-4);
    // another query looks elsewhere
    const other = await entityAttention(vit, text, tokenizer, 'heart', input);
    expect(maxAbsDiff(other.map, ours.map)).toBeGreaterThan(1e-3);
    input.dispose();
    vit.dispose();
    text.dispose();
  });

  it('says why a checkpoint cannot answer entity queries, and takes the head count from the config or the 64-channel rule', () => {
    const enc = parseSafetensors(readFileSync(fx.encoder), 'encoder.safetensors');
    expect(() => describeTextSide(enc, 'encoder.safetensors')).toThrow(
      /^encoder\.safetensors: no entity query possible: tensor 'text\.embeddings\.word_embeddings\.weight' is missing/,
    );
    const full = parseSafetensors(readFileSync(fx.pretrain), 'pretrain.safetensors');
    expect(describeTextSide(full, 'p').headsFrom).toMatch(/64 channels per head/);
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-viewer-entity-'));
    const pooledOnly = Object.fromEntries(Object.entries(full.tensors).filter(([k]) => !k.startsWith('text.layers.0.cross.')));
    writeSafetensors(join(dir, 'pooled.safetensors'), pooledOnly);
    const pooled = parseSafetensors(readFileSync(join(dir, 'pooled.safetensors')), 'pooled.safetensors');
    expect(() => describeTextSide(pooled, 'pooled.safetensors')).toThrow(
      /its fusion layer has no cross-attention to the image patches \(model\.fusion 'pooled'\)/,
    );
    expect(() => tokenizerFromText('{', 'tok.json', 16)).toThrow(/tok\.json: not JSON .*choose the run's tokenizer\.json/);
    expect(() => tokenizerFromText('{}', 'tok.json', 16)).toThrow(/has no "model" section/);
  });
});
