import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { TINY_VISION_SETS } from '../../test/pretrain-fixtures.js';
import { createLogger } from '../run/logger.js';
import { parseEvidenceGrid } from './grid.js';
import { runEvidence } from './run.js';

describe('runEvidence (shrunk)', () => {
  it('pre-trains and scores every cell, writes table, JSON and chart, and resumes without redoing finished cells', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ecamp-evidence-'));
    const task = { steps: 2, lr: 1e-3, batchSize: 4 };
    const grid = parseEvidenceGrid(
      {
        base: 'tiny',
        set: [
          `outDir=${JSON.stringify(outDir)}`,
          'backend=wasm',
          'data.syntheticCount=24',
          'data.syntheticSize=448',
          'data.syntheticSplit.train=0.5',
          'data.syntheticSplit.val=0',
          'data.batchSize=2',
          'optim.steps=2',
          ...TINY_VISION_SETS,
          'log.checkpointEvery=1000',
        ],
        seeds: [0, 1],
        fractions: [0.5],
        tasks: { probe: task, finetune: task, segmentation: { ...task, channels: [4, 4, 4, 4] }, detection: { ...task, channels: 4 } },
        rows: [
          { name: 'random', label: 'random init', pretrain: false },
          { name: 'mim', label: 'MIM only', set: ['objectives.mlm.enabled=false', 'objectives.superres.enabled=false'] },
          { name: 'more', label: 'more MIM from the MIM row', init: 'mim', set: ['objectives.mlm.enabled=false', 'objectives.superres.enabled=false'] },
        ],
      },
      'shrunk.json',
    );
    const lines: string[] = [];
    const log = createLogger('evidence', { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream);
    await initBackend({ backend: 'wasm', quiet: true });
    const before = tf.memory().numTensors;
    const report = await runEvidence({ grid, gridPath: join(outDir, 'shrunk.json'), log });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.dir).toBe(join(outDir, 'shrunk'));
    expect(report.results).toHaveLength(3 * 2 * 4); // rows × seeds × protocols × 1 fraction
    // 12 test images: a metric is NaN only where the test set lacks positives (seg, det); AUROCs are defined.
    for (const r of report.results) expect(Number.isNaN(r.value) || (r.value >= 0 && r.value <= 1), `${r.row} ${r.task}`).toBe(true);
    for (const r of report.results.filter((x) => x.task === 'probe' || x.task === 'finetune')) expect(Number.isFinite(r.value)).toBe(true);
    expect(report.table).toMatch(/\| MIM only \| /);
    expect(report.differences).toMatch(/\| MIM only − random \| [+−]\d\.\d{3} ± \d\.\d{3} \(\d\/2\) \|/);
    expect(readFileSync(join(report.dir, 'table.md'), 'utf8')).toMatch(/## Differences, paired by seed/);
    for (const f of ['table.md', 'results.json', 'chart.svg']) expect(existsSync(join(report.dir, f))).toBe(true);
    expect(existsSync(join(report.dir, 'mim', 'seed1', 'pretrain', 'mim-seed1', 'checkpoints', 'encoder.safetensors'))).toBe(true);
    expect(existsSync(join(report.dir, 'random', 'seed0', 'pretrain'))).toBe(false);
    // The synthetic set is shared: generated once under outDir, never inside a cell.
    expect(existsSync(join(report.dir, 'mim', 'seed0', 'pretrain', 'data'))).toBe(false);
    expect(existsSync(join(outDir, 'data'))).toBe(true);
    // The row that starts from another one loaded that row's MAE (same seed).
    const more = JSON.parse(readFileSync(join(report.dir, 'more', 'seed1', 'pretrain', 'more-seed1', 'config.json'), 'utf8'));
    expect(more.model.init).toBe(join(report.dir, 'mim', 'seed1', 'pretrain', 'mim-seed1', 'checkpoints', 'mae-timm.safetensors'));
    expect(lines.join('')).toMatch(/model\.init: \d+ parameters from .*mim-seed1/);

    // Resume: one cell's score removed → only that score is recomputed; pre-training is reused.
    const cell = join(report.dir, 'mim', 'seed0', 'probe-0.5.json');
    const kept = join(report.dir, 'mim', 'seed0', 'detection-0.5.json');
    const keptTime = statSync(kept).mtimeMs;
    const probe = JSON.parse(readFileSync(cell, 'utf8'));
    rmSync(cell);
    lines.length = 0;
    const again = await runEvidence({ grid, gridPath: join(outDir, 'shrunk.json'), log });
    expect(again.results).toHaveLength(24);
    expect(statSync(kept).mtimeMs).toBe(keptTime);
    expect(JSON.parse(readFileSync(cell, 'utf8')).value).toBe(probe.value); // same seed, same number
    const text = lines.join('');
    expect(text).toMatch(/mim seed 0 .*1 of 4 scores to compute/);
    expect(text).toMatch(/pre-training done earlier/);
    expect(readFileSync(join(report.dir, 'table.md'), 'utf8')).toMatch(
      /wall time of this run [\d.]+ min: 1 of 24 scores computed, 23 reused from earlier runs/,
    );
    expect(text).not.toMatch(/random seed 1 .*scores to compute/);
    expect(probe.settings).toEqual({ ...task, weightDecay: 0.05, solver: 'lbfgs' });
    expect(probe.extra.trainLoss).toBeGreaterThan(0);

    // Changed settings of one protocol: its cells are scored again, the others are kept.
    lines.length = 0;
    const adamw = { ...grid, tasks: { ...grid.tasks, probe: { ...grid.tasks.probe, solver: 'adamw' as const } } };
    const third = await runEvidence({ grid: adamw, gridPath: join(outDir, 'shrunk.json'), log });
    expect(statSync(kept).mtimeMs).toBe(keptTime);
    expect(lines.join('').match(/1 of 4 scores to compute/g)).toHaveLength(6); // every row × seed: its probe only
    expect(third.results.filter((r) => r.task === 'probe').every((r) => r.settings?.solver === 'adamw')).toBe(true);
  }, 300_000);
});
