import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@ecamp/core';
import { classIndexLines, syntheticSetOnBackend, tempDir, writeText } from '../../test/finetune-fixtures.js';
import { createLogger } from '../run/logger.js';
import { resolveFinetuneOptions } from './options.js';
import { runEval, runFinetune } from './run.js';

const quiet = createLogger('test', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
let d: string;

beforeAll(async () => {
  d = await syntheticSetOnBackend();
});

/** The synthetic list with one class index per image (number of findings, at most 2). */
function indexList(file: string): string {
  return writeText(
    join(tempDir(), file),
    classIndexLines(d, file)
      .map((l) => join(d, l.split(' ')[0]) + ' ' + l.split(' ')[1])
      .join('\n'),
  );
}

describe('runFinetune', () => {
  it('stops early when the validation accuracy stops improving, tests the best epoch and leaks nothing', async () => {
    const out = join(tempDir(), 'early');
    const options = resolveFinetuneOptions({
      task: 'classification',
      encoder: 'random',
      protocol: 'frozen',
      'image-size': '64',
      data: indexList('train.txt'),
      val: indexList('val.txt'),
      test: indexList('test.txt'),
      classes: '3',
      lr: '1e-12', // the weights cannot move: the validation accuracy ties every epoch, and a tie is no improvement for accuracy
      epochs: '10',
      patience: '2',
      bootstrap: '20',
      out,
    });
    const before = tf.memory().numTensors;
    const s = await runFinetune(options, quiet);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.training).toMatchObject({ epochs: 3, stoppedEarly: true });
    expect(s).toMatchObject({ selected: 'best-validation', selectedEpoch: 1, validation: { metric: 'accuracy' } });
    const validation = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'validation');
    expect(validation.map((v) => v.sinceBest)).toEqual([0, 1, 2]);
    // The saved head is the one tested: ecamp eval on the same test list gives the same numbers.
    const again = await runEval({ checkpoint: s.checkpoint, test: options.test!, images: 'images', seed: 0, onBadSample: 'fail', bootstrap: 20 }, quiet);
    expect(again.metrics.map((m) => m.value)).toEqual(s.test.metrics.map((m) => m.value));
  });

  it('skips and counts a sample whose image is missing, and keeps going', async () => {
    const list = readFileSync(join(d, 'val.txt'), 'utf8').trim().split('\n');
    list.push('images/not-there.png 0 0 0 0 0 0 0 0');
    const file = writeText(join(d, 'val_with_missing.txt'), list.join('\n'));
    const s = await runFinetune(
      resolveFinetuneOptions({
        task: 'classification',
        encoder: 'random',
        protocol: 'frozen',
        'image-size': '64',
        data: file,
        test: join(d, 'test.txt'),
        epochs: '1',
        bootstrap: '20',
        out: join(tempDir(), 'skip'),
      }),
      quiet,
    );
    expect(s.data.skipped).toEqual({ 'missing-image': 1 });
    expect(s.data.train).toBe(6);
  });
});
