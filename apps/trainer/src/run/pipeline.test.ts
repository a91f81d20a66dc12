import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { shrunkRunSets } from '../../test/pretrain-fixtures.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from './logger.js';
import { formatRunSummary, runAll, runEvaluate } from './pipeline.js';
import { RunDir } from './run-dir.js';

describe('runAll (the main job, shrunk)', () => {
  let finished: { outDir: string; encoder: string } | undefined;

  it('generates data, pre-trains, evaluates pre-trained, warm-start and scratch encoders, and writes the summary', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ecamp-main-'));
    const config = loadConfig('tiny', [
      ...shrunkRunSets(outDir, 'mini'),
      'optim.steps=2',
      'model.text.maxLength=48',
      'model.warmStart.steps=2',
      'model.warmStart.warmupSteps=1',
    ]);
    const lines: string[] = [];
    const log = createLogger('mini', { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream);
    await initBackend({ backend: 'wasm', quiet: true });
    const before = tf.memory().numTensors;
    const { pretrain, evaluation, runDir } = await runAll(config, log);
    expect(tf.memory().numTensors).toBe(before);
    expect(evaluation.results.map((e) => e.encoder)).toEqual(['pretrained', 'warm-start', 'scratch']);
    for (const e of evaluation.results) {
      expect(e.aurocInterval.low).toBeLessThanOrEqual(e.aurocInterval.high);
      expect(e.trainImages).toBeGreaterThan(0);
      expect(e.testImages).toBeGreaterThan(0);
      expect(e.accuracy).toBeGreaterThanOrEqual(0);
      expect(e.accuracy).toBeLessThanOrEqual(1);
    }
    const summary = JSON.parse(readFileSync(runDir.path('summary.json'), 'utf8'));
    expect(summary.pretrain.steps).toBe(2);
    expect(summary.evaluation.results).toHaveLength(3);
    const d = evaluation.difference!;
    const [pre, , scratch] = evaluation.results;
    expect(evaluation.warmStartDifference!.estimate).toBeCloseTo(pre.auroc - evaluation.results[1].auroc, 6);
    expect(d.estimate).toBeCloseTo(pre.auroc - scratch.auroc, 6);
    expect(d.low).toBeLessThanOrEqual(d.high);
    for (const f of ['config.json', 'tokenizer.json', 'metrics.jsonl', 'evaluation.json', 'checkpoints/encoder.safetensors'])
      expect(existsSync(runDir.path(f))).toBe(true);
    expect(lines.join('')).toMatch(/rule-based distiller/);
    expect(lines.join('')).toMatch(/warm start: pre-training the MAE first, MIM only, 2 steps/);
    expect(lines.join('')).toMatch(/model\.init: \d+ parameters from .*warm-start/);
    expect(summary.pretrain.steps).toBe(2);
    const printed = formatRunSummary(pretrain, evaluation);
    expect(printed).toMatch(/pretrained AUROC/);
    expect(printed).toMatch(/pre-trained − scratch: [+-]\d\.\d{4} \(paired bootstrap over test images, 95 % interval/);
    expect(printed).toMatch(/pre-trained − warm start \(what the ECAMP stage added\)/);
    finished = { outDir, encoder: pretrain.encoderCheckpoint };
  });

  it('evaluates over label draws: means over draws, draw 0 the single draw, differences paired by draw', async () => {
    if (!finished) throw new Error('needs the run of the test above');
    const base = [
      `outDir=${JSON.stringify(finished.outDir)}`,
      'name=mini',
      'data.syntheticCount=14',
      'evaluate.epochs=2',
      'evaluate.batchSize=4',
      'evaluate.trainFraction=0.5',
    ];
    const log = createLogger('mini', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
    const runDir = new RunDir(finished.outDir, 'mini');
    const one = await runEvaluate(loadConfig('tiny', base), runDir, log, finished.encoder);
    const before = tf.memory().numTensors;
    const three = await runEvaluate(loadConfig('tiny', [...base, 'evaluate.draws=3']), runDir, log, finished.encoder);
    expect(tf.memory().numTensors).toBe(before);
    for (const [k, e] of three.results.entries()) {
      expect(e.draws).toBe(3);
      expect(e.drawAuroc).toHaveLength(3);
      expect(e.drawAuroc![0]).toBe(one.results[k].auroc); // draw 0 = the single draw
      expect(e.auroc).toBeCloseTo(e.drawAuroc!.reduce((a, b) => a + b, 0) / 3, 12);
      expect(e.aurocInterval.estimate).toBeCloseTo(e.auroc, 6);
    }
    const [pre, scratch] = three.results;
    expect(three.difference!.estimate).toBeCloseTo(pre.auroc - scratch.auroc, 6);
    expect(
      formatRunSummary(
        {
          steps: 2,
          msPerStep: 1,
          imagesPerSecond: 1,
          firstLoss: { total: 1 },
          lastLoss: { total: 1 },
          windows: { selected: 0, fallbackNoEntity: 0 },
          skippedUpdates: 0,
          skippedSamples: {},
        } as never,
        three,
      ),
    ).toMatch(/mean over 3 label draws: [\d. ]+\)[\s\S]*pre-trained − scratch: [+-]\d\.\d{4} \(mean over 3 label draws, paired bootstrap over test images/);
  });
});
