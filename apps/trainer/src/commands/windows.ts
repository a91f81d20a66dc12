import { join } from 'node:path';
import { loadTokenizer } from '@ecamp/mlm';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { prepareRunData } from '../run/data.js';
import { startBackend } from '../run/pipeline.js';
import { RunDir } from '../run/run-dir.js';
import { runOfflineWindows } from '../windows/offline-windows.js';
import { configHelp, configOptions, type Command } from './command.js';

/** `ecamp windows`: the offline SR-window pass over the pre-training set. */
export const windowsCommand: Command = {
  name: 'windows',
  summary: 'compute SR context windows from a checkpoint’s entity attention (authors’ CSV)',
  help: `Usage: ecamp windows [options]

For every pre-training image (un-augmented, unmasked), runs the checkpoint's
encoder and fusion layer over its report and writes the 12×12 window with the
largest text→image attention of the report's entity tokens, in the authors'
format: img_path,label_i,label_j (i = row, j = column of the top-left cell on
the 14×14 grid). Reports without entities get the centred window (counted).
Use the file with --set objectives.superres.window=csv --set data.windowCsv=<file>.
The window CSV is read row-aligned with the pre-training CSV, and this pass writes
one row per pre-training record in CSV order, so run it with
--set data.onBadSample=fail (a skipped row would shift the alignment); the
img_path column names each row's image. On the synthetic set the pass covers its
training split (the set ships its own ground-truth windows.csv).

Options:
${configHelp}
      --checkpoint <file>      default <outDir>/<name>/checkpoints/pretrain.safetensors
      --tokenizer <file>       default <outDir>/<name>/tokenizer.json (or tokenizer.path)
      --out <file>             default <outDir>/<name>/windows.csv`,
  options: { ...configOptions, checkpoint: { type: 'string' }, tokenizer: { type: 'string' }, out: { type: 'string' } },
  async run(values) {
    const config = loadConfig(values.config as string, values.set as string[]);
    const log = createLogger(`${config.name}:windows`);
    const runDir = new RunDir(config.outDir, config.name);
    await startBackend(config, log);
    const data = await prepareRunData(config, log);
    const tokenizerPath = (values.tokenizer as string | undefined) ?? config.tokenizer.path ?? runDir.path('tokenizer.json');
    const tokenizer = loadTokenizer(tokenizerPath, { maxLength: config.model.text.maxLength });
    const outPath = (values.out as string | undefined) ?? runDir.path('windows.csv');
    const result = await runOfflineWindows({
      config,
      checkpoint: (values.checkpoint as string | undefined) ?? join(runDir.root, 'checkpoints', 'pretrain.safetensors'),
      records: data.records,
      tokenizer,
      badSamples: data.badSamples,
      outPath,
      log,
    });
    process.stdout.write(
      `wrote ${result.entries.length} windows to ${outPath} (${result.counts.selected} from attention, ${result.counts.fallbackNoEntity} centred)\n`,
    );
    return 0;
  },
};
