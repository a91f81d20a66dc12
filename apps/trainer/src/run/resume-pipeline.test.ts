/**
 * Resuming through the pipeline (what `ecamp run --resume` does before evaluating): a run stopped
 * in its warm-start stage and again in its ECAMP stage continues each from its checkpoint, ends
 * with the weights of a run that never stopped (bit for bit, cpu backend), and a finished
 * pre-training is not redone.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, readSafetensors, tf } from '@ecamp/core';
import { resumeTestSets } from '../../test/pretrain-fixtures.js';
import { loadConfig } from '../config/load.js';
import { PretrainInterrupted } from '../pretrain/train.js';
import { createLogger, type Logger } from './logger.js';
import { runPretrain } from './pipeline.js';
import { RunDir } from './run-dir.js';

const sets = (outDir: string) => loadConfig('tiny', [...resumeTestSets(outDir, 4), 'name=r', 'model.warmStart.steps=4', 'model.warmStart.warmupSteps=1']);

/** A logger that keeps its lines and calls `onInfo` with each. */
function logger(lines: string[], onInfo: (m: string) => void = () => {}): Logger {
  const log = createLogger('t', { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream);
  return { ...log, info: (m) => (log.info(m), onInfo(m)) };
}

const tensorsOf = (path: string) => readSafetensors(path).tensors;

describe('runPretrain --resume (warm start + ECAMP stage, cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('continues a stopped warm start and a stopped ECAMP stage to the uninterrupted weights, and does not redo a finished one', async () => {
    const before = tf.memory().numTensors;
    const refConfig = sets(mkdtempSync(join(tmpdir(), 'ecamp-ref-')));
    const ref = await runPretrain(refConfig, new RunDir(refConfig.outDir, 'r'), logger([]));

    const config = sets(mkdtempSync(join(tmpdir(), 'ecamp-stop-')));
    const dir = new RunDir(config.outDir, 'r');
    // 1. Stopped during the warm start's first step.
    const stopNow = new AbortController();
    stopNow.abort();
    const stop1 = await runPretrain(config, dir, logger([]), undefined, { resume: 'latest', signal: stopNow.signal }).catch((e: unknown) => e);
    expect(stop1).toBeInstanceOf(PretrainInterrupted);
    expect((stop1 as PretrainInterrupted).checkpoint).toMatch(/warm-start\/\w+\/mae\/checkpoints\/step-000001\.safetensors$/);
    // 2. Resumed: the warm start continues from step 1; the ECAMP stage is stopped after its first step.
    const lines2: string[] = [];
    const stopMain = new AbortController();
    const stop2 = await runPretrain(
      config,
      dir,
      logger(lines2, (m) => m.startsWith('model.init:') && stopMain.abort()),
      undefined,
      { resume: 'latest', signal: stopMain.signal },
    ).catch((e: unknown) => e);
    expect(lines2.join('')).toMatch(/warm start: continuing the MAE stage in .* at step 1 of 4/);
    expect(stop2).toBeInstanceOf(PretrainInterrupted);
    expect((stop2 as PretrainInterrupted).checkpoint).toBe(dir.path('checkpoints', 'step-000001.safetensors'));
    // 3. Resumed: the warm start is reused, the ECAMP stage continues from step 1.
    const lines3: string[] = [];
    const done = await runPretrain(config, dir, logger(lines3), undefined, { resume: 'latest' });
    expect(lines3.join('')).toMatch(/warm start: reusing the MAE stage/);
    expect(lines3.join('')).toMatch(/resuming at step 1 of 4 from .*step-000001\.safetensors/);
    // 4. Once more: pre-training is finished and not redone.
    const lines4: string[] = [];
    const again = await runPretrain(config, dir, logger(lines4), undefined, { resume: 'latest' });
    expect(lines4.join('')).toMatch(/pre-training already finished \(4 steps/);
    expect(lines4.join('')).not.toMatch(/warm start|resuming/);
    expect(again.summary).toEqual(done.summary);
    expect(again.warmStart?.mae).toBe(done.warmStart?.mae);
    expect(tf.memory().numTensors).toBe(before);

    // The same weights as the run that never stopped: the warm start's MAE and the final model with its AdamW moments.
    const same = (a: string, b: string) => {
      const [x, y] = [tensorsOf(a), tensorsOf(b)];
      expect(Object.keys(y).sort()).toEqual(Object.keys(x).sort());
      for (const k of Object.keys(x)) expect(Buffer.from(y[k].data.buffer).equals(Buffer.from(x[k].data.buffer)), k).toBe(true);
    };
    same(ref.warmStart!.mae, done.warmStart!.mae);
    same(ref.summary.checkpoint, done.summary.checkpoint);
    const steps = (p: string) =>
      readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps(dir.path('metrics.jsonl'))).toEqual([1, 2, 3, 4]);
    expect(done.summary.firstLoss).toEqual(ref.summary.firstLoss);
    expect(done.summary.lastLoss).toEqual(ref.summary.lastLoss);

    // 5. Without --resume a new run starts over in the folder: the earlier run's step files, metrics and pictures go.
    const lines5: string[] = [];
    await runPretrain(config, dir, logger(lines5));
    // (the last step's training picture and its entity words' attention picture)
    expect(lines5.join('')).toMatch(/starting at step 0 in .*: removed what an earlier run left there \(2 step checkpoints, 4 metrics lines, 2 pictures\)/);
    expect(steps(dir.path('metrics.jsonl'))).toEqual([1, 2, 3, 4]);
    same(ref.summary.checkpoint, dir.path('checkpoints', 'pretrain.safetensors'));
  }, 120_000);
});
