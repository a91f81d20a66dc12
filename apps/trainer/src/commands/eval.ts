import { initBackend } from '@ecamp/core';
import { BadSampleError } from '@ecamp/data';
import { SampleError } from '../finetune/images.js';
import { FinetuneOptionError } from '../finetune/options.js';
import { runEval } from '../finetune/run.js';
import { createLogger } from '../run/logger.js';
import type { Command } from './command.js';

/** `ecamp eval`: score a head saved by `ecamp finetune` on test data. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a head saved by ecamp finetune on test data, with bootstrap intervals',
  help: `Usage: ecamp eval --checkpoint <head.safetensors> --test <source> [options]

Rebuilds the encoder and head of an 'ecamp finetune' checkpoint (its task, head, image
size, colour handling and label space are stored in it) and prints the task's test metrics
with 95 % bootstrap intervals over images (see 'ecamp finetune --help' for the metrics and
the data formats).

Options:
  --checkpoint <file>    checkpoints/head.safetensors of a finetune run (required)
  --test <source>        test data in any downstream format (required)
  --encoder <file>       for a frozen-encoder head: another encoder file to read (default the
                         one it was trained on; a fine-tuned encoder is stored in the head)
  --image-root <dir>     folder relative paths are resolved against
  --images <name>        folder data: the image sub-folder (default images)
  --masks <name|dir>     folder data: the mask sub-folder (default masks)
  --bootstrap <n>        resamples behind each interval (1000; detection 200)
  --seed <n>             seed of the bootstrap (default 0)
  --out <dir>            also write <dir>/eval.json
  --on-bad-sample <p>    skip (default) | fail

Example:
  ecamp eval --checkpoint runs/finetune-segmentation/checkpoints/head.safetensors \\
    --test ../shared/data/drive/training --masks 1st_manual`,
  options: {
    checkpoint: { type: 'string' },
    test: { type: 'string' },
    encoder: { type: 'string' },
    'image-root': { type: 'string' },
    images: { type: 'string' },
    masks: { type: 'string' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'on-bad-sample': { type: 'string' },
  },
  async run(values) {
    const fail = (m: string) => (process.stderr.write(`ecamp eval: ${m}\n`), 2);
    if (!values.checkpoint) return fail('--checkpoint is required');
    if (!values.test) return fail('--test is required');
    const bootstrap = values.bootstrap === undefined ? undefined : Number(values.bootstrap);
    if (bootstrap !== undefined && !(Number.isInteger(bootstrap) && bootstrap >= 1)) return fail(`--bootstrap: '${String(values.bootstrap)}' is not a positive whole number`);
    const seed = values.seed === undefined ? 0 : Number(values.seed);
    if (!Number.isInteger(seed)) return fail(`--seed: '${String(values.seed)}' is not a whole number`);
    const onBadSample = (values['on-bad-sample'] ?? 'skip') as string;
    if (onBadSample !== 'skip' && onBadSample !== 'fail') return fail(`--on-bad-sample: '${onBadSample}' is not one of skip, fail`);
    const log = createLogger('eval');
    await initBackend({ quiet: true });
    try {
      await runEval(
        {
          checkpoint: String(values.checkpoint),
          test: String(values.test),
          encoder: values.encoder as string | undefined,
          imageRoot: values['image-root'] as string | undefined,
          images: (values.images as string | undefined) ?? 'images',
          masks: values.masks as string | undefined,
          bootstrap,
          seed,
          onBadSample,
          out: values.out as string | undefined,
        },
        log,
      );
    } catch (e) {
      if (e instanceof FinetuneOptionError || e instanceof BadSampleError || e instanceof SampleError) return fail(e.message);
      throw e;
    }
    return 0;
  },
};
