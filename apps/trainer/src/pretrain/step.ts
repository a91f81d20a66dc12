/**
 * One ECAMP pre-training forward pass: each enabled objective of the registry
 * (`objectives/registry.ts`), in registry order, adds its weighted term; the shared
 * intermediate results (encoder output, MIM prediction, the text pass with the fusion
 * attention, the SR windows) come from a {@link StepContext} that computes each once.
 *
 *   image224 ─► MAE encoder (visible 25 %) ─► latent ─┬─► MAE decoder ─► pred ─► MIM loss
 *                                                     │                    └─► unpatchify ─► SR head ─► window MSE vs view448
 *                                                     └─► image_proj ─► text decoder (fusion first layer) ─► weighted MLM loss
 *
 * With `window: 'online'` the SR window of each example is chosen from the
 * fusion layer's detached text→image attention of its entity tokens, in this
 * same pass (SR comes after MLM in the registry, and the context runs the text pass
 * for whichever asks first).
 *
 * `objectives.balance` sets each term's scale before the weights: `normalised` is
 * a mean over what the term scores; `authors` reproduces the authors' code — MIM
 * × the masked share of the patches (their MSE runs over every pixel of pred·mask),
 * SR × (window/view)² (their MSE runs over the whole 448² view), and the MLM term
 * from labels at every position, mean over B·L (see `tensors.ts`).
 */
import { tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, type ContextWindow, type WindowSelector } from '@ecamp/superres';
import type { MaskingSource } from '@ecamp/vision';
import type { Config } from '../config/schema.js';
import type { EcampPretrainModel } from './model.js';
import { StepContext } from './objectives/context.js';
import { enabledObjectives, type ObjectiveName } from './objectives/registry.js';
import { authorsSrScale } from './objectives/superres.js';

/** The authors' SR scale for ECAMP's window: their MSE averages over the whole view, (384 / 448)² = 0.735 × the window mean. */
export const AUTHORS_SR_SCALE = authorsSrScale(ECAMP_WINDOW_GEOMETRY);

/** The tensors and arrays of one batch, already on the backend. */
export interface PretrainInputs {
  /** [B, 448, 448, 3] the normalised high-resolution view (SR target). */
  view448: tf.Tensor4D;
  /** [B, 224, 224, 3] the encoder input, derived from the 448 view. */
  image224: tf.Tensor4D;
  /** MLM inputs; absent when the MLM objective is off. */
  text?: {
    /** int32 [B, L] masked ids. */
    inputIds: tf.Tensor2D;
    /** int32 [B, L] 1 = real token. */
    attentionMask: tf.Tensor2D;
    /** [B·L] original ids where the loss is taken (masked positions, or every position for the authors' balance), −100 elsewhere. */
    labels: Int32Array;
    /** [B·L] re-balanced loss weights. */
    weights: Float32Array;
    /** Per example, token indices of entity words (for the online SR window). */
    entityPositions: number[][];
  };
  /** Precomputed SR windows (CSV mapped through the augmentation, or centred; none when SR is off); `online` chooses them here. */
  windows: ContextWindow[] | 'online';
}

/** Loss values of one pass, for logging: each enabled objective's term (before its weight) and the weighted total. */
export type LossParts = { [K in ObjectiveName]?: number } & { total: number };

/** What a pass produced besides the loss. */
export interface PassResult {
  loss: tf.Scalar;
  parts: LossParts;
  /** The SR windows used (when SR is on). */
  windows?: ContextWindow[];
}

/**
 * Builds the weighted sum of the enabled objectives. Call inside
 * `tf.variableGrads`/`namedGradients`; every intermediate tensor is freed by
 * the caller's tidy scope.
 */
export function pretrainLoss(
  model: EcampPretrainModel,
  inputs: PretrainInputs,
  config: Config,
  masking: MaskingSource,
  windowSelector: WindowSelector,
): PassResult {
  const objectives = enabledObjectives(config);
  if (objectives.length === 0) throw new Error('pretrain: every objective is disabled (objectives.*.enabled)');
  const ctx = new StepContext(
    model,
    inputs,
    config,
    masking,
    windowSelector,
    objectives.some((o) => o.needsFusionAttention?.(config) ?? false),
  );
  const parts: LossParts = { total: 0 };
  const terms: tf.Scalar[] = [];
  for (const objective of objectives) {
    const { weight } = config.objectives[objective.name];
    const loss = objective.loss(ctx);
    const value = loss.dataSync()[0];
    parts[objective.name] = value;
    parts.total += weight * value;
    terms.push(tf.mul(loss, weight) as tf.Scalar);
  }
  return { loss: tf.addN(terms) as tf.Scalar, parts, windows: ctx.windowsIfChosen() };
}
