import { loadConfig } from '../config/load.js';
import { PretrainInterrupted } from '../pretrain/train.js';
import { INTERRUPTED_EXIT, interruptOnSignals, resumeCommandLine } from '../run/interrupt.js';
import { createLogger, type Logger } from '../run/logger.js';
import { runPretrain, startBackend } from '../run/pipeline.js';
import { RunDir } from '../run/run-dir.js';
import { reportAfterRun } from '../report/write.js';
import { configHelp, configOptions, resumeHelp, resumeOption, type Command } from './command.js';

/** The one line an interrupted pre-training prints: where it stopped and the command that continues it. */
export function interruptedLine(e: PretrainInterrupted, args: string[]): string {
  return `interrupted after step ${e.step} of ${e.steps} (checkpoint ${e.checkpoint}); to resume: ${resumeCommandLine(args)}`;
}

/** Ctrl-C / SIGTERM while pre-training: say what happens, and how to stop at once. */
export function pretrainInterrupt(log: Logger) {
  return interruptOnSignals((sig) => log.warn(`${sig}: finishing the current step and writing a checkpoint (again to stop at once, losing the step)`));
}

/** `ecamp pretrain`: pre-training only. */
export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'pre-train the encoder with the enabled objectives',
  help: `Usage: ecamp pretrain [options]

Pre-trains with the enabled objectives and writes, under <outDir>/<name>/,
checkpoints/step-NNNNNN.safetensors every log.checkpointEvery steps (model,
AdamW state, schedule position, RNG streams, loader position; the newest
log.keepCheckpoints are kept), at the end checkpoints/pretrain.safetensors (the
same, final) and checkpoints/encoder.safetensors (the ViT alone, timm names),
and the HTML report (report.html, see 'ecamp report').

Ctrl-C (or SIGTERM) finishes the current step, writes a checkpoint, prints the
command that resumes and exits with status 130; a second Ctrl-C stops at once.

Options:
${configHelp}
${resumeHelp}

Examples:
  ecamp pretrain --set optim.steps=1000
  ecamp pretrain --set optim.steps=1000 --resume          # after a kill or Ctrl-C
  ecamp pretrain -c runs/run/config.json --resume runs/run/checkpoints/step-000500.safetensors`,
  options: { ...configOptions, ...resumeOption },
  optionalValues: { resume: 'latest' },
  async run(values, _positionals, args = ['pretrain']) {
    const config = loadConfig(values.config as string, values.set as string[]);
    const log = createLogger(config.name);
    const runDir = new RunDir(config.outDir, config.name);
    runDir.writeJson('config.json', config);
    const backend = await startBackend(config, log);
    const interrupt = pretrainInterrupt(log);
    let summary;
    try {
      ({ summary } = await runPretrain(config, runDir, log, undefined, { resume: values.resume as string | undefined, signal: interrupt.signal }));
    } catch (e) {
      if (!(e instanceof PretrainInterrupted)) throw e;
      log.info(interruptedLine(e, args));
      return INTERRUPTED_EXIT;
    } finally {
      interrupt.dispose();
    }
    await reportAfterRun(runDir.root, log, { backend });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
};
