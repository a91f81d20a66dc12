/**
 * The offline SR-window pass (the step the authors ran once and shipped as a
 * CSV): with a pre-trained checkpoint, every pre-training image is encoded
 * un-augmented (whole image resized, no crop, no flip) and without MAE masking,
 * its report goes through the fusion layer unmasked, and the 12×12 window with
 * the most entity attention is written as `img_path,label_i,label_j`.
 * Train with `objectives.superres.window=csv` and `data.windowCsv=<that file>`.
 */
import { Rng, loadCheckpoint, tf } from '@ecamp/core';
import type { BadSampleLog, PretrainRecord } from '@ecamp/data';
import { collateMlmBatch, prepareMlmExample, type MlmTokenizer } from '@ecamp/mlm';
import { offlineWindowPass, type OfflineWindowBatch, type OfflineWindowPassResult } from '@ecamp/superres';
import type { Config } from '../config/schema.js';
import { inOrderPass } from '../run/data.js';
import type { Logger } from '../run/logger.js';
import { entityMaskRows } from '../pretrain/entity-mask.js';
import { EcampPretrainModel } from '../pretrain/model.js';
import { srWindowGeometry } from '../pretrain/objectives/superres.js';

const NO_MASKING = { entity: 0, other: 0, noEntity: 0, random: 0 };

async function* attentionBatches(
  model: EcampPretrainModel,
  records: PretrainRecord[],
  tokenizer: MlmTokenizer,
  config: Config,
  badSamples: BadSampleLog,
): AsyncGenerator<OfflineWindowBatch> {
  const size = config.model.imageSize;
  const L = config.model.text.maxLength;
  const rng = new Rng(config.seed).fork('windows');
  const pathOf = new Map(records.map((r) => [r.id, r.imagePath]));
  const loader = inOrderPass(records, config.data.batchSize, config, badSamples);
  for await (const b of loader) {
    const examples = b.reports.map((report, n) =>
      prepareMlmExample(report, { context: b.contexts[n], contextProbability: 1, rng, tokenizer, maxLength: L, probabilities: NO_MASKING, mode: 'paper' }),
    );
    const text = collateMlmBatch(examples);
    const attention = tf.tidy(() => {
      const images = tf.tensor4d(b.images, [b.size, size, size, 3]);
      const tokens = model.mae.forwardFeatures(images).tokens; // [B, 1+196, D], no masking
      const n = tokens.shape[0];
      const out = model.text!.forward({
        inputIds: tf.tensor2d(text.inputIds, [n, L], 'int32'),
        attentionMask: tf.tensor2d(text.attentionMask, [n, L], 'int32'),
        image: model.imageForText(tokens),
        returnAttention: true,
      });
      return out.attention!;
    });
    const entityMask = entityMaskRows(text.entityPositions, L);
    yield { keys: b.ids.map((id) => pathOf.get(id) ?? id), attention, entityMask };
  }
}

/** Runs the pass with the model at `checkpoint`; writes the CSV to `outPath`. */
export async function runOfflineWindows(opts: {
  config: Config;
  checkpoint: string;
  records: PretrainRecord[];
  tokenizer: MlmTokenizer;
  badSamples: BadSampleLog;
  outPath: string;
  log: Logger;
}): Promise<OfflineWindowPassResult> {
  const { config, records, tokenizer, log } = opts;
  if (!config.objectives.mlm.enabled || config.model.fusion === 'none' || config.model.fusion === 'pooled') {
    throw new Error("windows: the pass needs the MLM objective with a cross-attending fusion layer (model.fusion 'patches+pooled' or 'patches')");
  }
  const model = new EcampPretrainModel(config, tokenizer.vocabSize);
  try {
    loadCheckpoint(opts.checkpoint, model, { strict: true });
    model.eval();
    return await offlineWindowPass(attentionBatches(model, records, tokenizer, config, opts.badSamples), {
      outPath: opts.outPath,
      geometry: srWindowGeometry(config),
      onProgress: (done, counts) => log.progress(done, records.length, `windows (${counts.fallbackNoEntity} centred: no entity)`),
    });
  } finally {
    model.dispose();
  }
}
