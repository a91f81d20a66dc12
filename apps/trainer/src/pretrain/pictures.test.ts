import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, tf } from '@ecamp/core';
import { PRETRAIN_NORM, openImage } from '@ecamp/data';
import { loadTokenizer, trainWordPiece } from '@ecamp/mlm';
import { loadConfig } from '../config/load.js';
import { drawEntityAttention, greyOf, unmaskedText } from '../report/entity-attention-picture.js';
import { createLogger } from '../run/logger.js';
import { RunDir } from '../run/run-dir.js';
import type { RawPretrainBatch } from './batch-source.js';
import { FixedBatchSource } from './fixed-source.js';
import { EcampPretrainModel } from './model.js';
import { attentionPicturePath, drawsAttention, pictureExampleOf, writePretrainPicture } from './pictures.js';
import { pretrain } from './train.js';

const WITH_ENTITY = 'There is a small left pleural effusion. No pneumothorax. Heart size is normal.';
const WITHOUT_ENTITY = 'Stable appearance since the prior study.';
const tokenizer = loadTokenizer(trainWordPiece([WITH_ENTITY, WITHOUT_ENTITY, WITH_ENTITY], { vocabSize: 120, minFrequency: 1 }), { maxLength: 32 });
const VIEW = 448 * 448 * 3;

function config(extra: string[] = []) {
  return loadConfig('tiny', ['model.text.maxLength=32', 'model.text.layers=1', 'model.decoder.depth=1', ...extra]);
}

/** Two examples: a smooth left-to-right ramp with no entity word, then a top-to-bottom ramp with entity words. */
function batch(): RawPretrainBatch {
  const view448 = new Float32Array(2 * VIEW);
  for (let y = 0; y < 448; y++) {
    for (let x = 0; x < 448; x++) {
      for (let c = 0; c < 3; c++) {
        view448[(y * 448 + x) * 3 + c] = (x / 447 - 0.5) * 2;
        view448[VIEW + (y * 448 + x) * 3 + c] = (y / 447 - 0.5) * 2;
      }
    }
  }
  return { view448, size: 2, ids: ['a', 'b'], reports: [WITHOUT_ENTITY, WITH_ENTITY], contexts: [undefined, undefined] };
}

async function pixels(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const img = await openImage(png, 'picture.png');
  return { data: await img.pipeline().raw().toBuffer(), width: img.width, height: img.height };
}

let model: EcampPretrainModel;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  model = new EcampPretrainModel(config(), tokenizer.vocabSize);
});
afterAll(() => model?.dispose());

describe('training pictures with the entity words’ attention', () => {
  it('draws the attention only with MLM and a fusion layer over patches', () => {
    expect(drawsAttention(config())).toBe(true);
    expect(drawsAttention(config(['model.fusion=patches']))).toBe(true);
    expect(drawsAttention(config(['model.fusion=pooled', 'objectives.superres.window=center']))).toBe(false);
    expect(drawsAttention(config(['objectives.mlm.enabled=false', 'objectives.superres.window=center']))).toBe(false);
  });

  it('remembers the first example whose report has an entity word, with its window', () => {
    expect(unmaskedText(WITHOUT_ENTITY, tokenizer, 32).entityPositions).toEqual([]);
    const b = batch();
    const windows = [
      { i: 0, j: 1 },
      { i: 2, j: 0 },
    ];
    const ex = pictureExampleOf(b, windows, config(), tokenizer);
    expect(ex.view448).toEqual(b.view448.subarray(VIEW));
    expect(ex.window).toEqual({ i: 2, j: 0 });
    expect(ex.text?.entityPositions.length).toBeGreaterThan(0);
    expect(ex.text?.inputIds).toEqual(unmaskedText(WITH_ENTITY, tokenizer, 32).inputIds);
    // no attention drawn: the batch's first example, without text
    const first = pictureExampleOf(b, windows, config(['model.fusion=pooled', 'objectives.superres.window=center']), tokenizer);
    expect(first.view448).toEqual(b.view448.subarray(0, VIEW));
    expect(first.window).toEqual({ i: 0, j: 1 });
    expect(first.text).toBeUndefined();
    // none with an entity word: the first, centred window when the step had none
    const none = pictureExampleOf({ ...b, reports: [WITHOUT_ENTITY, WITHOUT_ENTITY] }, undefined, config(), tokenizer);
    expect(none.view448).toEqual(b.view448.subarray(0, VIEW));
    expect(none.window).toEqual({ i: 1, j: 1 });
    expect(none.text).toBeUndefined();
  });

  it('drawEntityAttention: the map sums the entity tokens’ attention, the picture outlines the window it selects, no tensor leaks', async () => {
    const text = [unmaskedText(WITH_ENTITY, tokenizer, 32)];
    const images = new Float32Array(224 * 224 * 3);
    const rng = new Rng(3);
    for (let k = 0; k < images.length; k++) images[k] = rng.normal(0, 1);
    const grey = [greyOf(images, 0, 224, PRETRAIN_NORM)];
    model.train();
    const before = tf.memory().numTensors;
    const [d] = await drawEntityAttention(model, { images, text, grey, greySize: 224 });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true); // put back as it was
    expect(d.grid).toBe(14);
    expect(d.map).toHaveLength(196);
    // Each entity token's attention over the 196 patches sums to 1.
    expect(d.map.reduce((a, b) => a + b, 0)).toBeCloseTo(text[0].entityPositions.length, 3);
    const w = d.window!;
    expect(w.cells).toBe(12);
    expect([w.i, w.j].every((v) => v >= 0 && v <= 2)).toBe(true);
    const { data, width, height } = await pixels(d.png);
    expect([width, height, d.width, d.height]).toEqual([900, 448, 900, 448]);
    const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    // The window's top-left corner on the right panel is red; the left panel is the radiograph.
    expect(at(452 + w.j * 32 + 1, w.i * 32 + 1)).toEqual([255, 0, 0]);
    const g = grey[0][50 * 224 + 50]; // panel pixel (100, 100) shows image pixel (50, 50)
    expect(at(100, 100)).toEqual([g, g, g]);
    // An example without an entity word is the caller's mistake.
    await expect(drawEntityAttention(model, { images, text: [unmaskedText(WITHOUT_ENTITY, tokenizer, 32)], grey, greySize: 224 })).rejects.toThrow(
      /has no entity word/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without super-resolution: the attention alone, no window (also on images of fewer patches a side than window cells)', async () => {
    const small = new EcampPretrainModel(config(['objectives.superres.enabled=false', 'model.imageSize=64']), tokenizer.vocabSize);
    try {
      const images = new Float32Array(64 * 64 * 3).map((_, k) => Math.sin(k));
      const grey = [greyOf(images, 0, 64, PRETRAIN_NORM)];
      const before = tf.memory().numTensors;
      const [d] = await drawEntityAttention(small, { images, text: [unmaskedText(WITH_ENTITY, tokenizer, 32)], grey, greySize: 64 });
      expect(tf.memory().numTensors).toBe(before);
      expect(d.window).toBeUndefined();
      expect([d.grid, d.map.length]).toEqual([4, 16]);
      const { data, width } = await pixels(d.png);
      let red = 0;
      for (let p = 0; p < data.length; p += 3) if (data[p] === 255 && data[p + 1] === 0 && data[p + 2] === 0) red++;
      expect(red).toBe(0);
      expect(width).toBe(900);
    } finally {
      small.dispose();
    }
  });

  it('writePretrainPicture writes the training picture and, beside it, the attention picture over the 448 view, leaking no tensor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-pictures-'));
    const path = join(dir, 'step-000010.png');
    const ex = pictureExampleOf(
      batch(),
      [
        { i: 0, j: 0 },
        { i: 1, j: 2 },
      ],
      config(),
      tokenizer,
    );
    model.train();
    const before = tf.memory().numTensors;
    expect(await writePretrainPicture(model, ex, path)).toEqual([path, join(dir, 'attention-step-000010.png')]);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(attentionPicturePath(path)).toBe(join(dir, 'attention-step-000010.png'));
    const main = await pixels(new Uint8Array(readFileSync(path)));
    expect([main.width, main.height]).toEqual([4 * 448 + 3 * 4, 448]);
    const att = await pixels(new Uint8Array(readFileSync(attentionPicturePath(path))));
    expect([att.width, att.height]).toEqual([900, 448]);
    // Left panel: the example's 448 view (a top-to-bottom ramp), dark at the top, light at the bottom.
    const grey = greyOf(ex.view448, 0, 448, PRETRAIN_NORM);
    for (const y of [0, 200, 447]) expect(att.data[(y * 900 + 10) * 3]).toBe(grey[y * 448 + 10]);
    expect(att.data[(447 * 900 + 10) * 3]).toBeGreaterThan(att.data[10 * 3] + 100);

    // Without the example's text (no entity word, or no attention in this run) only the training picture.
    const plain = join(dir, 'step-000020.png');
    expect(await writePretrainPicture(model, { ...ex, text: undefined }, plain)).toEqual([plain]);
    expect(existsSync(attentionPicturePath(plain))).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without MIM and SR (no pixel decoder) the training picture is the masked input and the target only', async () => {
    const c = config(['objectives.mim.enabled=false', 'objectives.superres.enabled=false']);
    const mlmOnly = new EcampPretrainModel(c, tokenizer.vocabSize);
    try {
      expect(mlmOnly.mae.hasDecoder).toBe(false);
      const path = join(mkdtempSync(join(tmpdir(), 'ecamp-pictures-')), 'step-000001.png');
      const before = tf.memory().numTensors;
      await writePretrainPicture(mlmOnly, { ...pictureExampleOf(batch(), undefined, c, tokenizer), text: undefined }, path);
      expect(tf.memory().numTensors).toBe(before);
      const main = await pixels(new Uint8Array(readFileSync(path)));
      expect([main.width, main.height]).toEqual([2 * 448 + 4, 448]);
    } finally {
      mlmOnly.dispose();
    }
  });

  it('drawing the pictures at every step changes nothing in training (no RNG stream or weight touched)', async () => {
    const quiet = createLogger('test', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
    const losses = async (pictureEvery: number) => {
      const runDir = new RunDir(mkdtempSync(join(tmpdir(), 'ecamp-pictures-run-')), 'p');
      const c = config(['data.batchSize=2', 'optim.steps=3', 'optim.warmupSteps=1', 'log.checkpointEvery=100', `log.pictureEvery=${pictureEvery}`]);
      const { model } = await pretrain({
        config: c,
        source: FixedBatchSource.random([WITHOUT_ENTITY, WITH_ENTITY, WITH_ENTITY], 2),
        tokenizer,
        runDir,
        log: quiet,
      });
      model.dispose();
      const lines = readFileSync(runDir.path('metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number>);
      return { pictures: readdirSync(runDir.path('pictures')).sort(), lines: lines.map((l) => [l.total, l.mim, l.superres, l.mlm, l.gradNorm]) };
    };
    const every = await losses(1);
    const last = await losses(1000);
    expect(every.pictures).toEqual([
      'attention-step-000001.png',
      'attention-step-000002.png',
      'attention-step-000003.png',
      'step-000001.png',
      'step-000002.png',
      'step-000003.png',
    ]);
    expect(last.pictures).toEqual(['attention-step-000003.png', 'step-000003.png']);
    expect(every.lines).toEqual(last.lines);
  });
});
