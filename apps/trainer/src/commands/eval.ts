import { initBackend } from '@ecamp/core';
import { EVAL_FLAGS, resolveEvalOptions } from '../finetune/options.js';
import { runEval } from '../finetune/run.js';
import { createLogger } from '../run/logger.js';
import type { Command } from './command.js';
import { exitOnUserError } from './finetune.js';

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
  options: EVAL_FLAGS,
  run: (values) =>
    exitOnUserError('eval', async () => {
      const options = resolveEvalOptions(values);
      const log = createLogger('eval');
      await initBackend({ quiet: true });
      await runEval(options, log);
      return 0;
    }),
};
