/**
 * Host arrays → backend tensors for one pass: the 448 view, the 224 encoder
 * input derived from it, and the MLM arrays (tokenised, masked, weighted).
 */
import { tf, type Rng } from '@ecamp/core';
import { authorsNegationTemplates, collateMlmBatch, negationTemplates, prepareMlmExample, type MlmTokenizer, type TemplateLexicon } from '@ecamp/mlm';
import { centredWindow, type ContextWindow } from '@ecamp/superres';
import type { Config } from '../config/schema.js';
import type { RawPretrainBatch } from './batch-source.js';
import { srWindowGeometry } from './objectives/superres.js';
import type { PretrainInputs } from './step.js';

/** Text statistics of one batch, for the run log. */
export interface TextBatchStats {
  contextInserted: number;
  maskedTokens: number;
  realTokens: number;
  movedMass: number;
}

/**
 * Builds the pass inputs. The caller disposes them with {@link disposeInputs}.
 * The 224 input is a bilinear resize of the 448 view (the paper uses bicubic,
 * which TF.js lacks; both are smooth 2× reductions of the same view).
 */
export function toPretrainInputs(
  batch: RawPretrainBatch,
  config: Config,
  tokenizer: MlmTokenizer | undefined,
  rng: Rng,
): { inputs: PretrainInputs; stats?: TextBatchStats } {
  const b = batch.size;
  const view448 = tf.tensor4d(batch.view448, [b, 448, 448, 3]);
  // No gradient flows into the input, so tfjs's own (fast) resize serves; core's differentiable
  // resizeBilinear is ~10× slower here.
  const image224 = tf.image.resizeBilinear(view448, [config.model.imageSize, config.model.imageSize], false, true);
  const sr = config.objectives.superres;
  const windows = !sr.enabled ? [] : sr.window === 'online' ? 'online' : windowsFor(batch, config);
  if (!config.objectives.mlm.enabled || !tokenizer) return { inputs: { view448, image224, windows } };

  const mlm = config.objectives.mlm;
  const templates = templateLexicon(mlm.templates);
  const examples = batch.reports.map((report, n) =>
    prepareMlmExample(report, {
      context: batch.contexts[n],
      rng,
      tokenizer,
      mode: mlm.masking,
      maxLength: config.model.text.maxLength,
      contextProbability: config.data.contextInsertProbability,
      probabilities: mlm.probabilities,
      templates,
      templateWeight: mlm.templateWeight,
      rebalance: mlm.rebalance,
      // The authors' loss labels every position; the normalised one only the masked tokens.
      lossPositions: config.objectives.balance === 'authors' ? 'all' : 'masked',
    }),
  );
  const collated = collateMlmBatch(examples);
  const L = config.model.text.maxLength;
  const stats: TextBatchStats = { contextInserted: 0, maskedTokens: 0, realTokens: 0, movedMass: 0 };
  for (const e of examples) {
    stats.contextInserted += e.stats.contextInserted ? 1 : 0;
    stats.maskedTokens += e.stats.maskedTokens;
    stats.realTokens += e.stats.realTokens;
    stats.movedMass += e.stats.movedMass;
  }
  return {
    inputs: {
      view448,
      image224,
      windows,
      text: {
        inputIds: tf.tensor2d(collated.inputIds, [b, L], 'int32'),
        attentionMask: tf.tensor2d(collated.attentionMask, [b, L], 'int32'),
        labels: collated.labels,
        weights: collated.weights,
        entityPositions: collated.entityPositions,
      },
    },
    stats,
  };
}

const lexicons = new Map<string, TemplateLexicon>();
/** `objectives.mlm.templates` as a lexicon (read once per process). */
export function templateLexicon(which: Config['objectives']['mlm']['templates']): TemplateLexicon {
  let lex = lexicons.get(which);
  if (!lex) lexicons.set(which, (lex = which === 'authors' ? authorsNegationTemplates() : negationTemplates()));
  return lex;
}

function windowsFor(batch: RawPretrainBatch, config: Config): ContextWindow[] {
  if (config.objectives.superres.window === 'center') return Array.from({ length: batch.size }, () => centredWindow(srWindowGeometry(config)));
  if (!batch.windows) throw new Error(`pretrain: objectives.superres.window is 'csv' but the batch (${batch.ids[0]}…) carries no windows`);
  return batch.windows;
}

/** Frees every tensor of {@link toPretrainInputs}. */
export function disposeInputs(inputs: PretrainInputs): void {
  inputs.view448.dispose();
  inputs.image224.dispose();
  inputs.text?.inputIds.dispose();
  inputs.text?.attentionMask.dispose();
}
