import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, writeSafetensors } from '@ecamp/core';
import { cli } from '../../test/cli-fixtures.js';
import { syntheticSetOnBackend, tempDir } from '../../test/finetune-fixtures.js';

let d: string;
/** A random 64-px encoder fine-tuned for one epoch, with a 20-resample interval: the heads these tests score. */
const quick = ['--encoder', 'random', '--image-size', '64', '--epochs', '1', '--bootstrap', '20'];

beforeAll(async () => {
  d = await syntheticSetOnBackend();
});

describe('ecamp eval', () => {
  it('scores a fine-tuned head on other test data, rebuilding the frozen encoder it was trained on', async () => {
    const out = join(tempDir(), 'ft');
    const train = await cli([
      'finetune',
      '--task',
      'detection',
      ...quick,
      '--batch-size',
      '6',
      '--head-width',
      '0.03125',
      '--data',
      join(d, 'boxes_train.csv'),
      '--test',
      join(d, 'boxes_test.csv'),
      '--out',
      out,
    ]);
    expect(train.code).toBe(0);
    const ckpt = join(out, 'checkpoints', 'head.safetensors');
    const r = await cli(['eval', '--checkpoint', ckpt, '--test', join(d, 'boxes_val.csv'), '--bootstrap', '20']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/test metrics of .*head\.safetensors \(last-epoch 1, protocol frozen\) \(6 images\)/);
    expect(r.out).toMatch(/mAP \(ours\)/);
    expect(r.err).toMatch(/encoder: random \(preset tiny, seed 0\), frozen/);
  });

  it('refuses missing flags, a file that is no fine-tuning checkpoint, and swapping a fine-tuned encoder', async () => {
    expect((await cli(['eval', '--test', 'x'])).err).toMatch(/--checkpoint is required/);
    expect((await cli(['eval', '--checkpoint', 'x'])).err).toMatch(/--test is required/);
    expect((await cli(['eval', '--checkpoint', 'x', '--test', 'y', '--bootstrap', '0'])).err).toMatch(/--bootstrap: must be ≥ 1, got 0/);
    const dir = tempDir();
    const other = join(dir, 'other.safetensors');
    writeSafetensors(other, { w: tf.zeros([1]) });
    await expect(cli(['eval', '--checkpoint', other, '--test', join(d, 'test.txt')])).rejects.toThrow(/other\.safetensors: not an 'ecamp finetune' checkpoint/);
    const out = join(dir, 'ft');
    const trained = await cli(['finetune', '--task', 'classification', ...quick, '--data', join(d, 'val.txt'), '--test', join(d, 'val.txt'), '--out', out]);
    expect(trained.code).toBe(0);
    const swap = await cli(['eval', '--checkpoint', join(out, 'checkpoints', 'head.safetensors'), '--test', join(d, 'test.txt'), '--encoder', 'random']);
    expect(swap.code).toBe(2);
    expect(swap.err).toMatch(/holds its fine-tuned encoder; it cannot be swapped/);
  });
});
