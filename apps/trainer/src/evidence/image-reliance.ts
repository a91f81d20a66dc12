/**
 * Does the text decoder read the image? A pre-trained checkpoint's MLM loss on its own
 * image–report pairs against the same masked reports paired with another example's image
 * (the batch's images rotated by one). A decoder that uses the image does worse with the wrong
 * one; a gap of ≈ 0 means the MLM objective learnt the text alone and cannot teach the encoder
 * anything about the image. Beside it, how much each objective pulls on the encoder: the norm
 * of the encoder's gradient from the MIM term and from the MLM term alone, at the run's loss
 * balance and weights.
 *
 * Both passes of a batch share the MAE masking (same seed) and the masked token ids; only the
 * images differ. Losses are the weighted mean over the masked tokens (`normalised`), whatever
 * the run's balance, so that they read as per-token cross-entropies.
 */
import { Rng, disposeGrads, globalNorm, namedGradients, tf } from '@ecamp/core';
import type { MlmTokenizer } from '@ecamp/mlm';
import { WindowSelector } from '@ecamp/superres';
import type { Config } from '../config/schema.js';
import type { PretrainBatchSource } from '../pretrain/batch-source.js';
import type { EcampPretrainModel } from '../pretrain/model.js';
import { withObjectives, type ObjectiveName } from '../pretrain/objectives/registry.js';
import { srWindowGeometry } from '../pretrain/objectives/superres.js';
import { pretrainLoss, type PretrainInputs } from '../pretrain/step.js';
import { disposeInputs, toPretrainInputs } from '../pretrain/tensors.js';

/** What {@link mlmImageReliance} measured, averaged over the batches. */
export interface ImageReliance {
  batches: number;
  /** MLM loss (per masked token) with each report's own image. */
  matched: number;
  /** The same masked reports with another example's image. */
  shuffled: number;
  /** shuffled − matched: > 0 when the decoder uses the image. */
  gap: number;
  /** Norm of the encoder's gradient from the weighted MIM term alone (run's balance). */
  encoderGradMim: number;
  /** … and from the weighted MLM term alone. */
  encoderGradMlm: number;
}

/** The batch's images rotated by one example: example k gets example k+1's image. */
function rotateImages(inputs: PretrainInputs): PretrainInputs {
  const b = inputs.image224.shape[0];
  const order = tf.tensor1d(
    Array.from({ length: b }, (_, k) => (k + 1) % b),
    'int32',
  );
  const image224 = tf.gather(inputs.image224, order) as tf.Tensor4D;
  const view448 = tf.gather(inputs.view448, order) as tf.Tensor4D;
  order.dispose();
  return { ...inputs, image224, view448 };
}

/** `config` with only the named objectives on. */
function only(config: Config, on: readonly ObjectiveName[], balance?: Config['objectives']['balance']): Config {
  const c = withObjectives(config, on);
  return { ...c, objectives: { ...c.objectives, balance: balance ?? c.objectives.balance } };
}

/**
 * Measures image reliance of `model` (put in eval mode here, restored after) on `batches`
 * batches of `source`. Needs the MLM objective (a text decoder) in `config`.
 */
export async function mlmImageReliance(
  model: EcampPretrainModel,
  tokenizer: MlmTokenizer,
  config: Config,
  source: PretrainBatchSource,
  batches: number,
  seed = 0,
): Promise<ImageReliance> {
  if (!model.text || !config.objectives.mlm.enabled) throw new Error('mlmImageReliance: the configuration has no MLM objective (objectives.mlm.enabled)');
  if (!(batches >= 1)) throw new Error(`mlmImageReliance: batches must be ≥ 1 (got ${batches})`);
  const wasTraining = model.training;
  model.eval();
  const encoderNames = new Set(
    model.mae
      .namedParameters()
      .filter((p) => !p.name.startsWith('decoder_') && p.name !== 'mask_token')
      .map((p) => `mae.${p.name}`),
  );
  const encoderParams = model.namedParameters().filter((p) => encoderNames.has(p.name));
  const sum = { matched: 0, shuffled: 0, mim: 0, mlm: 0 };
  const selector = new WindowSelector(config.objectives.superres.enabled ? { geometry: srWindowGeometry(config) } : {});
  const mlmOnly = only(config, ['mlm'], 'normalised');
  try {
    for (let b = 0; b < batches; b++) {
      const batch = await source.next();
      // Text masking from a per-batch seed; centred windows (SR is off here anyway).
      const { inputs } = toPretrainInputs(
        batch,
        { ...config, objectives: { ...config.objectives, superres: { ...config.objectives.superres, window: 'center' } } },
        tokenizer,
        new Rng(seed).fork(`text-${b}`),
      );
      const rotated = rotateImages(inputs);
      try {
        // A fresh stream per pass: every pass of this batch hides the same patches.
        const maeMasking = () => new Rng(seed).fork(`mae-${b}`);
        sum.matched += tf.tidy(() => pretrainLoss(model, inputs, mlmOnly, maeMasking(), selector).parts.mlm!);
        sum.shuffled += tf.tidy(() => pretrainLoss(model, rotated, mlmOnly, maeMasking(), selector).parts.mlm!);
        for (const which of ['mim', 'mlm'] as const) {
          // Without fusion the text side never reads the encoder: nothing to differentiate.
          if (which === 'mlm' && config.model.fusion === 'none') continue;
          const { grads, loss } = namedGradients(encoderParams, () => pretrainLoss(model, inputs, only(config, [which]), maeMasking(), selector).loss);
          sum[which] += globalNorm(grads);
          loss.dispose();
          disposeGrads(grads);
        }
      } finally {
        rotated.image224.dispose();
        rotated.view448.dispose();
        disposeInputs(inputs);
      }
    }
  } finally {
    model.train(wasTraining);
  }
  const matched = sum.matched / batches;
  const shuffled = sum.shuffled / batches;
  return { batches, matched, shuffled, gap: shuffled - matched, encoderGradMim: sum.mim / batches, encoderGradMlm: sum.mlm / batches };
}
