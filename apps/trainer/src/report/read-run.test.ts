import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakePicture, handMadeRun } from '../../test/report-fixtures.js';
import { field, numberAt, parseMetrics, pngSize, readRunFolder, RunFolderError, safetensorsHeader } from './read-run.js';

describe('readRunFolder', () => {
  it('reads every file of a run folder and names what it could not use', () => {
    const { dir } = handMadeRun();
    const run = readRunFolder(dir);
    expect(run.name).toBe('base-fusion');
    expect(run.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.metrics[0].values).toMatchObject({ lr: 0.001 / 3, total: 7.9, mim: 0.99, ms: 2600 });
    expect('applied' in run.metrics[0].values).toBe(false); // booleans are not numbers
    expect(run.pictures.map((p) => [p.step, p.width, p.height, p.attention?.file, p.attention?.width])).toEqual([
      [5, 140, 32, 'pictures/attention-step-000005.png', 68],
      [10, 140, 32, undefined, undefined],
      [12, 140, 32, 'pictures/attention-step-000012.png', 68],
    ]);
    expect(run.checkpoints).toEqual([
      {
        file: 'checkpoints/encoder.safetensors',
        bytes: expect.any(Number),
        metadata: { format: 'ecamp-vit-encoder-1', preset: 'tiny', step: '12' },
        tensors: 1,
      },
    ]);
    expect(field(run.summary, 'backend.native.blasCore')).toBe('Haswell');
    expect(numberAt(run.evaluation, 'difference.estimate')).toBe(0.05);
    expect(run.ablation).toMatchObject({ base: 'base', variant: 'fusion' });
    expect(run.ablation!.rows).toHaveLength(2);
    expect(run.modified).toBeInstanceOf(Date);
    const issues = run.issues.map((i) => `${i.file} ${i.message}`);
    expect(issues).toContain('metrics.jsonl line 11 has no numeric "step"; skipped');
    expect(issues).toContain('metrics.jsonl line 12 is not JSON (a torn last line: the run was stopped while writing it); skipped');
    expect(issues).toContain('pictures/notes.png is not a PNG; ignored');
    expect(issues).toContain('pictures/attention-step-000007.png has no training picture of its step (pictures/step-000007.png); ignored');
    expect(issues.some((i) => /^checkpoints\/broken\.safetensors is not a readable safetensors file \(shorter than 8 bytes\)/.test(i))).toBe(true);
  });

  it('reads a folder of a run still going (metrics only) and says what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-report-'));
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1,"total":3}\n');
    writeFileSync(join(dir, 'config.json'), '{"name": "other"}');
    writeFileSync(join(dir, 'evaluation.json'), '[{"encoder": "pretrained", "auroc": 0.6}]');
    const run = readRunFolder(dir);
    expect(run.metrics).toHaveLength(1);
    expect(run.pictures).toEqual([]);
    expect(run.summary).toBeUndefined();
    expect(Array.isArray(run.evaluation)).toBe(true); // older versions wrote a bare array
    expect(run.issues[0].message).toMatch(/names the run 'other' but the folder is '.*' \(renamed or copied\)/);
  });

  it('refuses what is no run folder, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-report-'));
    expect(() => readRunFolder(join(dir, 'nope'))).toThrow(RunFolderError);
    expect(() => readRunFolder(join(dir, 'nope'))).toThrow(/nope does not exist/);
    writeFileSync(join(dir, 'file.txt'), 'x');
    expect(() => readRunFolder(join(dir, 'file.txt'))).toThrow(/file\.txt is not a folder/);
    mkdirSync(join(dir, 'empty'));
    expect(() => readRunFolder(join(dir, 'empty'))).toThrow(/empty is not a run folder: it has no metrics\.jsonl, summary\.json or pretrain-summary\.json/);
    writeFileSync(join(dir, 'empty', 'summary.json'), '{ torn');
    const run = readRunFolder(join(dir, 'empty'));
    expect(run.summary).toBeUndefined();
    expect(run.issues.map((i) => i.file)).toEqual(['summary.json', 'metrics.jsonl']);
    expect(run.issues[0].message).toMatch(/cannot be read as JSON/);
    expect(run.issues[1].message).toBe('is missing: no training curves');
  });
});

describe('run folder helpers', () => {
  it('parseMetrics keeps numeric fields, sorts by step and reports bad lines by number', () => {
    const { rows, issues } = parseMetrics('{"step":2,"a":1}\n\n{"step":1,"a":0,"b":"x"}\nnot json\n{"step":3}\n');
    expect(rows).toEqual([
      { step: 1, values: { a: 0 } },
      { step: 2, values: { a: 1 } },
      { step: 3, values: {} },
    ]);
    expect(issues).toEqual([{ file: 'metrics.jsonl', message: 'line 4 is not JSON; skipped' }]);
  });

  it('pngSize reads the IHDR and rejects other bytes; safetensorsHeader reads only the header', () => {
    expect(pngSize(fakePicture(3, 20))).toEqual({ width: 68, height: 20 });
    expect(pngSize(new Uint8Array(30))).toBeUndefined();
    const { dir } = handMadeRun();
    expect(safetensorsHeader(join(dir, 'checkpoints', 'encoder.safetensors'))).toEqual({
      metadata: { format: 'ecamp-vit-encoder-1', preset: 'tiny', step: '12' },
      tensors: 1,
    });
    const bad = join(dir, 'checkpoints', 'huge.safetensors');
    writeFileSync(bad, Buffer.from([255, 255, 0, 0, 0, 0, 0, 0, 1]));
    expect(() => safetensorsHeader(bad)).toThrow(/declares a 65535-byte header in a 9-byte file/);
  });

  it('field and numberAt walk paths and ignore non-numbers', () => {
    const o = { a: { b: { c: 2, d: 'x', e: Number.NaN } } };
    expect(field(o, 'a.b.c')).toBe(2);
    expect(field(o, 'a.x.c')).toBeUndefined();
    expect(numberAt(o, 'a.b.d')).toBeUndefined();
    expect(numberAt(o, 'a.b.e')).toBeUndefined();
  });
});
