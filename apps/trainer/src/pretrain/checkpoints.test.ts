import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '@ecamp/core';
import {
  RESUMABLE_FORMAT,
  latestCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  removePicturesAfter,
  stepCheckpointName,
  sweepTempFiles,
  truncateMetrics,
} from './checkpoints.js';

const tensor = { w: { data: new Float32Array([1, 2]), shape: [2], dtype: 'float32' as const } };
const save = (dir: string, name: string, step: number, extra: Record<string, string> = { resumable: RESUMABLE_FORMAT }) =>
  writeSafetensors(join(dir, name), tensor, { format: 'ecamp-checkpoint-1', step: String(step), ...extra });

describe('pre-training checkpoint files', () => {
  it('finds the newest resumable checkpoint, ignoring torn temp files, unreadable and old-format files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-ckpts-'));
    for (const s of [2, 4, 6]) save(dir, stepCheckpointName(s), s);
    expect(stepCheckpointName(6)).toBe('step-000006.safetensors');
    // A write killed half-way: core's dot-named temp file, cut short — never a candidate.
    writeFileSync(join(dir, `.${stepCheckpointName(8)}.999999.1700000000000.tmp`), readFileSync(join(dir, stepCheckpointName(6))).subarray(0, 40));
    // A named file that is not a checkpoint, and one written before checkpoints were resumable.
    writeFileSync(join(dir, stepCheckpointName(10)), 'garbage');
    save(dir, stepCheckpointName(12), 12, {});
    const bad: string[] = [];
    expect(latestCheckpoint(dir, (p) => bad.push(p))?.step).toBe(6);
    expect(bad.map((p) => p.slice(dir.length + 1)).sort()).toEqual([stepCheckpointName(10), stepCheckpointName(12)]);
    // The final file wins over a step file of the same step.
    save(dir, 'pretrain.safetensors', 6);
    expect(latestCheckpoint(dir)?.path).toBe(join(dir, 'pretrain.safetensors'));
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([6, 6, 4, 2]);
  });

  it('keeps the newest N step files and sweeps temp files of processes that are gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-ckpts-'));
    for (const s of [1, 2, 3, 10]) save(dir, stepCheckpointName(s), s);
    save(dir, 'pretrain.safetensors', 10);
    expect(pruneCheckpoints(dir, 2).map((p) => p.slice(dir.length + 1))).toEqual([stepCheckpointName(2), stepCheckpointName(1)]);
    const dead = `.${stepCheckpointName(11)}.999999.1.tmp`;
    const mine = `.${stepCheckpointName(12)}.${process.pid}.1.tmp`;
    for (const f of [dead, mine, 'metrics.jsonl.tmp-999999']) writeFileSync(join(dir, f), 'x');
    expect(sweepTempFiles(dir).sort()).toEqual([dead, 'metrics.jsonl.tmp-999999'].sort());
    expect(readdirSync(dir).sort()).toEqual([mine, 'pretrain.safetensors', stepCheckpointName(10), stepCheckpointName(3)].sort());
  });

  it('cuts metrics after the checkpoint step (and a torn last line), and pictures after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-metrics-'));
    const path = join(dir, 'metrics.jsonl');
    writeFileSync(path, `${[1, 2, 3, 4].map((step) => JSON.stringify({ step, total: step / 10 })).join('\n')}\n{"note":"no step"}\n{"step":5,"to`);
    expect(truncateMetrics(path, 2)).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('{"step":1,"total":0.1}\n{"step":2,"total":0.2}\n{"note":"no step"}\n');
    expect(truncateMetrics(path, 2)).toBe(0);
    mkdirSync(join(dir, 'pictures'));
    for (const s of [2, 3]) {
      writeFileSync(join(dir, 'pictures', `step-${String(s).padStart(6, '0')}.png`), 'x');
      writeFileSync(join(dir, 'pictures', `attention-step-${String(s).padStart(6, '0')}.png`), 'x');
    }
    expect(removePicturesAfter(join(dir, 'pictures'), 2)).toBe(2);
    expect(readdirSync(join(dir, 'pictures')).sort()).toEqual(['attention-step-000002.png', 'step-000002.png']);
  });
});
