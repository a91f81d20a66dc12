/**
 * One ECAMP pre-training forward pass: the shared intermediate results are
 * computed once (encoder output, MIM prediction, fusion attention) and each
 * enabled objective adds its weighted loss.
 *
 *   image224 ─► MAE encoder (visible 25 %) ─► latent ─┬─► MAE decoder ─► pred ─► MIM loss
 *                                                     │                    └─► unpatchify ─► SR head ─► window MSE vs view448
 *                                                     └─► image_proj ─► text decoder (fusion first layer) ─► weighted MLM loss
 *
 * With `window: 'online'` the SR window of each example is chosen from the
 * fusion layer's detached text→image attention of its entity tokens, in this
 * same pass (the attention is read before the SR loss is built).
 *
 * `objectives.balance` sets each term's scale before the weights: `normalised` is
 * a mean over what the term scores; `authors` reproduces the authors' code — MIM
 * × the masked share of the patches (their MSE runs over every pixel of pred·mask),
 * SR × (window/view)² (their MSE runs over the whole 448² view), and the MLM term
 * from labels at every position, mean over B·L (see `tensors.ts`).
 */
import { tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, selectWindowsFromAttention, srWindowLossCropped, viewSizePx, windowsOnly, type ContextWindow, type WindowSelector } from '@ecamp/superres';
import { unpatchify, type MaskingSource } from '@ecamp/vision';
import type { Config } from '../config/schema.js';
import { entityMaskRows } from './entity-mask.js';
import type { EcampPretrainModel } from './model.js';

/** The authors' SR scale: their MSE averages over the whole view, (384 / 448)² = 0.735 × the window mean. */
export const AUTHORS_SR_SCALE = ((ECAMP_WINDOW_GEOMETRY.windowCells * ECAMP_WINDOW_GEOMETRY.cellPx) / viewSizePx(ECAMP_WINDOW_GEOMETRY)) ** 2;

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
  /** Precomputed SR windows (CSV mapped through the augmentation, or centred); `online` chooses them here. */
  windows: ContextWindow[] | 'online';
}

/** Loss values of one pass, for logging. */
export interface LossParts {
  mim?: number;
  superres?: number;
  mlm?: number;
  total: number;
}

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
  const { objectives } = config;
  const parts: LossParts = { total: 0 };
  const terms: tf.Scalar[] = [];
  const add = (name: 'mim' | 'superres' | 'mlm', loss: tf.Scalar, weight: number) => {
    parts[name] = loss.dataSync()[0];
    parts.total += weight * parts[name]!;
    terms.push(tf.mul(loss, weight) as tf.Scalar);
  };

  const enc = model.mae.forwardEncoder(inputs.image224, config.model.maskRatio, masking);

  // Text side first: with online windows, SR needs the fusion attention.
  let attention: tf.Tensor4D | undefined;
  if (objectives.mlm.enabled && model.text && inputs.text) {
    const image = model.imageForText(enc.latent); // the visible patches, projected, and their mean
    const out = model.text.loss({
      inputIds: inputs.text.inputIds,
      attentionMask: inputs.text.attentionMask,
      labels: inputs.text.labels,
      weights: inputs.text.weights,
      image,
      returnAttention: objectives.superres.enabled && inputs.windows === 'online',
      reduction: objectives.balance === 'authors' ? 'authors' : 'weighted-mean',
    });
    attention = out.attention;
    add('mlm', out.loss, objectives.mlm.weight);
  }

  let windows: ContextWindow[] | undefined;
  if (objectives.mim.enabled || objectives.superres.enabled) {
    const pred = model.mae.forwardDecoder(enc.latent, enc.idsRestore); // [B, L, p·p·3]
    if (objectives.mim.enabled) {
      const masked = model.mae.forwardLoss(inputs.image224, pred, enc.mask); // mean over the masked patches
      add('mim', objectives.balance === 'authors' ? (tf.mul(masked, tf.mean(enc.mask)) as tf.Scalar) : masked, objectives.mim.weight);
    }
    if (objectives.superres.enabled && model.sr) {
      windows = inputs.windows === 'online' ? onlineWindows(attention, enc.idsKeep, inputs, windowSelector) : inputs.windows;
      const image = unpatchify(pred, config.model.patchSize); // [B, 224, 224, 3]
      // Only each window (plus the conv halo) is super-resolved: equal to cropping the full
      // 448 output, ~25 % less convolution work.
      const sr = model.sr.forwardWindows(image, windows, ECAMP_WINDOW_GEOMETRY); // [B, 384, 384, 3]
      const inWindow = srWindowLossCropped(sr, inputs.view448, windows, { geometry: ECAMP_WINDOW_GEOMETRY }); // mean over the window pixels
      add('superres', objectives.balance === 'authors' ? (tf.mul(inWindow, AUTHORS_SR_SCALE) as tf.Scalar) : inWindow, objectives.superres.weight);
    }
  }
  if (terms.length === 0) throw new Error('pretrain: every objective is disabled (objectives.*.enabled)');
  return { loss: tf.addN(terms) as tf.Scalar, parts, windows };
}

/**
 * Chooses each example's SR window from the detached fusion attention of its
 * entity tokens (the visible patches' grid cells are MAE's `idsKeep`); examples
 * without entities get the centred window, counted by the selector.
 */
function onlineWindows(attention: tf.Tensor4D | undefined, idsKeep: tf.Tensor2D, inputs: PretrainInputs, selector: WindowSelector): ContextWindow[] {
  if (!attention || !inputs.text) {
    // The config validation rules this out (online windows need a cross-attending fusion layer).
    throw new Error("pretrain: online SR windows need the fusion layer's text→image attention, and none was returned");
  }
  const entityMask = entityMaskRows(inputs.text.entityPositions, attention.shape[2]);
  return windowsOnly(selectWindowsFromAttention({ attention, entityMask, patchCells: idsKeep }, selector));
}
