import { loadConfig } from '../config/load.js';
import { PretrainInterrupted } from '../pretrain/train.js';
import { INTERRUPTED_EXIT, resumeCommandLine } from '../run/interrupt.js';
import { createLogger } from '../run/logger.js';
import { formatRunSummary, runAll } from '../run/pipeline.js';
import { reportAfterRun } from '../report/write.js';
import { configHelp, configOptions, resumeHelp, resumeOption, type Command } from './command.js';
import { interruptedLine, pretrainInterrupt } from './pretrain.js';

/** `ecamp run`: the main job — pre-train, then evaluate the encoder. */
export const runCommand: Command = {
  name: 'run',
  summary: 'pre-train on the configured data, then evaluate the encoder (the main job)',
  help: `Usage: ecamp run [options]

Pre-trains the ViT encoder with the enabled ECAMP objectives (MIM, context-guided
super-resolution, entity-aware MLM with context fusion), then trains a
classification head on it (linear probe or fine-tuning) and reports AUROC on
the test split, next to the same head on a randomly initialised encoder.
With the default 'tiny' preset the data is the embedded synthetic chest X-ray
set, generated on first use under <outDir>/data/.

Writes <outDir>/<name>/: config.json, metrics.jsonl, checkpoints/
(step-NNNNNN.safetensors during the run, the newest log.keepCheckpoints kept;
pretrain.safetensors with optimiser state at the end, encoder.safetensors with
timm names), tokenizer.json, pretrain-summary.json, evaluation.json,
summary.json, and report.html (open it in a browser; see 'ecamp report').

Ctrl-C (or SIGTERM) during pre-training (the warm start included) finishes the
current step, writes a checkpoint, prints the command that resumes and exits
with status 130; a second Ctrl-C stops at once. Resuming a run whose
pre-training had finished goes straight to the evaluation.

Options:
${configHelp}
${resumeHelp}

Examples:
  ecamp run                                   # tiny preset, synthetic data
  ecamp run --set optim.steps=10 --set name=quick
  ecamp run --set optim.steps=10 --set name=quick --resume
  ECAMP_BACKEND=cpu ecamp run -c my-run.yaml`,
  options: { ...configOptions, ...resumeOption },
  optionalValues: { resume: 'latest' },
  async run(values, _positionals, args = ['run']) {
    const config = loadConfig(values.config as string, values.set as string[]);
    const log = createLogger(config.name);
    const interrupt = pretrainInterrupt(log);
    let result;
    try {
      // Evaluation has no checkpoints: once pre-training is done, Ctrl-C stops at once again.
      result = await runAll(config, log, {
        resume: values.resume as string | undefined,
        signal: interrupt.signal,
        afterPretrain: () => {
          interrupt.dispose();
          if (interrupt.signal.aborted) throw new PretrainFinishedInterrupt();
        },
      });
    } catch (e) {
      if (e instanceof PretrainInterrupted) {
        log.info(interruptedLine(e, args));
        return INTERRUPTED_EXIT;
      }
      if (e instanceof PretrainFinishedInterrupt) {
        log.info(`interrupted after pre-training finished (before the evaluation); to resume: ${resumeCommandLine(args)}`);
        return INTERRUPTED_EXIT;
      }
      throw e;
    } finally {
      interrupt.dispose();
    }
    const { pretrain, evaluation, runDir } = result;
    await reportAfterRun(runDir.root, log);
    process.stdout.write(`${formatRunSummary(pretrain, evaluation)}\nrun folder: ${runDir.root}\n`);
    return 0;
  },
};

/** The signal came during the last step: pre-training is complete, the evaluation is not started. */
class PretrainFinishedInterrupt extends Error {}
