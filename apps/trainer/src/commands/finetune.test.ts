import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, tf } from '@ecamp/core';
import { cli } from '../../test/cli-fixtures.js';
import { classIndexLines, syntheticSetOnBackend, tempDir, writeText } from '../../test/finetune-fixtures.js';

// End-to-end through the CLI on 24 synthetic radiographs (12 train / 6 validation / 6 test), at
// 64 px with a random tiny ViT so each run takes seconds: every task, every format the
// synthetic set writes, the files a run leaves, and the errors a user sees.

const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let d: string;
const small = ['--encoder', 'random', '--image-size', '64', '--epochs', '2', '--batch-size', '4', '--bootstrap', '50'];

beforeAll(async () => {
  d = await syntheticSetOnBackend();
});

describe('ecamp finetune (synthetic set, through the CLI)', () => {
  it('classification, multi-label, fine-tuning with augmentation: best epoch saved, JSONL metrics, AUROC with an interval, no leak', async () => {
    const out = join(tempDir(), 'cls');
    const before = tf.memory().numTensors;
    const r = await cli([
      'finetune',
      '--task',
      'classification',
      ...small,
      '--data',
      join(d, 'train.txt'),
      '--val',
      join(d, 'val.txt'),
      '--test',
      join(d, 'test.txt'),
      '--out',
      out,
    ]);
    expect(r.err).not.toMatch(/warning|error|skip/i); // stderr carries the run's log lines only
    expect(r.code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.out).toMatch(/mean AUROC: \d\.\d{4} \(95 % interval \d\.\d{4} … \d\.\d{4}\)/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      task: 'classification',
      protocol: 'finetune',
      data: { train: 12, val: 6, test: 6, format: 'classification-list' },
      selected: 'best-validation',
    });
    expect(summary.head.labels).toMatchObject({ mode: 'multi-label', numClasses: 8 });
    const lines = jsonl(join(out, 'metrics.jsonl'));
    const steps = lines.filter((l) => l.type === 'step');
    expect(steps).toHaveLength(6); // 3 steps × 2 epochs
    expect(new Set(steps.slice(1).map((s) => s.tensors)).size).toBe(1); // a training step leaves the tensor count unchanged
    expect(lines.filter((l) => l.type === 'validation').map((l) => l.epoch)).toEqual([1, 2]);
    expect(lines.at(-1)).toMatchObject({ type: 'test' });
    const ckpt = readSafetensors(join(out, 'checkpoints', 'head.safetensors'));
    expect(Object.keys(ckpt.tensors)).toContain('encoder.blocks.0.attn.qkv.weight'); // the encoder trained, so it is saved
    expect(Object.keys(ckpt.tensors)).toContain('head.head.weight');
  });

  it('classification, single-label class indices, linear probe: accuracy and macro AUROC', async () => {
    // Class = number of findings, capped at 2, from the synthetic multi-hot labels.
    const toIndex = (file: string) => writeText(join(d, `idx_${file}`), classIndexLines(d, file).join('\n'));
    const out = join(tempDir(), 'single');
    const r = await cli([
      'finetune',
      '--task',
      'classification',
      ...small,
      '--protocol',
      'linear-probe',
      '--optimizer',
      'adamw',
      '--lr',
      '1e-3',
      '--data',
      toIndex('train.txt'),
      '--val',
      toIndex('val.txt'),
      '--test',
      toIndex('test.txt'),
      '--classes',
      '3',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/accuracy: \d\.\d{4} \(95 % interval/);
    expect(r.out).toMatch(/macro AUROC: /);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.head.labels).toMatchObject({ mode: 'single-label', numClasses: 3 });
    expect(summary.head.protocol).toBe('linear-probe');
    const keys = Object.keys(readSafetensors(join(out, 'checkpoints', 'head.safetensors')).tensors);
    expect(keys).toContain('head.feature_norm.running_mean'); // MAE's probe head
    expect(keys.some((k) => k.startsWith('encoder.'))).toBe(false);
  });

  it('segmentation from masks, frozen encoder: Dice per image with the empty-mask convention printed, and `ecamp eval` reproduces it', async () => {
    const out = join(tempDir(), 'seg');
    const data = [
      '--data',
      join(d, 'masks_pleural_effusion_train.csv'),
      '--val',
      join(d, 'masks_pleural_effusion_val.csv'),
      '--test',
      join(d, 'masks_pleural_effusion_test.csv'),
    ];
    const r = await cli(['finetune', '--task', 'segmentation', ...small, '--decoder-widths', '8,8,4,4', ...data, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Dice: \d\.\d{4} \(95 % interval/);
    expect(r.out).toMatch(/empty prediction on an empty mask = 1/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.head.decoderWidths).toEqual([8, 8, 4, 4]);
    const steps = jsonl(join(out, 'metrics.jsonl')).filter((l) => l.type === 'step');
    expect(steps).toHaveLength(6);
    expect(new Set(steps.slice(1).map((l) => l.tensors)).size).toBe(1);
    const dice = summary.test.metrics[0].value;
    const e = await cli([
      'eval',
      '--checkpoint',
      join(out, 'checkpoints', 'head.safetensors'),
      '--test',
      join(d, 'masks_pleural_effusion_test.csv'),
      '--bootstrap',
      '50',
      '--out',
      join(out, 'eval'),
    ]);
    expect(e.code).toBe(0);
    expect(e.out).toContain(`Dice: ${dice.toFixed(4)}`);
    expect(JSON.parse(readFileSync(join(out, 'eval', 'eval.json'), 'utf8')).metrics.metrics[0].value).toBeCloseTo(dice, 6);
  });

  it('segmentation from SIIM RLE with --split, and detection from boxes: both mAPs named', async () => {
    const seg = await cli([
      'finetune',
      '--task',
      'segmentation',
      ...small,
      '--decoder-widths',
      '4,4,4,4',
      '--data',
      join(d, 'siim_train.csv'),
      '--split',
      '8/4',
      '--out',
      join(tempDir(), 'siim'),
    ]);
    expect(seg.code).toBe(0);
    expect(seg.out).toMatch(/test metrics of the last epoch \(2\), protocol frozen \(4 images\)/);
    const out = join(tempDir(), 'det');
    const det = await cli([
      'finetune',
      '--task',
      'detection',
      ...small,
      '--head-width',
      '0.03125',
      '--data',
      join(d, 'boxes_train.csv'),
      '--val',
      join(d, 'boxes_val.csv'),
      '--test',
      join(d, 'boxes_test.csv'),
      '--out',
      out,
    ]);
    expect(det.code).toBe(0);
    expect(det.out).toMatch(/mAP \(ours\): (\d\.\d{4}|n\/a)/);
    expect(det.out).toMatch(/mAP \(authors'\): /);
    expect(det.out).toMatch(/COCO matching, 101-point AP; σ\(obj\) ≥ 0\.5; only the \d+ images with a true box and a non-empty output/);
    expect(existsSync(join(out, 'checkpoints', 'head.safetensors'))).toBe(true);
    const steps = jsonl(join(out, 'metrics.jsonl')).filter((l) => l.type === 'step');
    expect(new Set(steps.slice(1).map((l) => l.tensors)).size).toBe(1);
  });

  it('names the file, line and field of a bad row, image or mask, and the flag of a bad option', async () => {
    const dir = tempDir();
    const list = writeText(join(dir, 'bad.txt'), `${join(d, 'images', 'synth-5-000000.png')} 1 0\n${join(d, 'images', 'synth-5-000001.png')} 1 two\n`);
    const r = await cli(['finetune', '--task', 'classification', ...small, '--data', list, '--test', list, '--on-bad-sample', 'fail', '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.txt:2 \(field "label 2"\): bad-value: "two" is not a number/);
    const masks = writeText(join(dir, 'masks.csv'), `img_path,mask_path\n${join(d, 'images', 'synth-5-000000.png')},${join(d, 'images', 'nope.png')}\n`);
    const m = await cli(['finetune', '--task', 'segmentation', ...small, '--data', masks, '--test', masks, '--on-bad-sample', 'fail', '--out', join(dir, 'm')]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/masks\.csv:2 \(field "mask_path"\): missing-image: .*nope\.png does not exist/);
    const o = await cli(['finetune', '--task', 'segmentation', '--encoder', 'random', '--data', masks]);
    expect(o.code).toBe(2);
    expect(o.err).toMatch(/--test is required/);
    const f = await cli(['finetune', '--task', 'detection', '--encoder', 'random', '--data', list, '--test', list, '--out', join(dir, 'f')]);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/bad\.txt: a classification list cannot be used for detection/);
  });
});
