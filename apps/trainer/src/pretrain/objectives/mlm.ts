/**
 * Entity-aware masked language modelling with multi-scale context fusion: the
 * visible patch tokens, projected to the text width (`image_proj`), feed the text
 * decoder (`text`) whose first layer is the context-fusion layer; its loss is the
 * re-balanced weighted cross-entropy. The text pass is shared through the
 * {@link StepContext}: the SR objective reads the fusion attention of the same pass.
 */
import { Linear } from '@ecamp/core';
import { ContextFusionLayer } from '@ecamp/fusion';
import { DEFAULT_MASK_PROBABILITIES, MASKING_MODES, TextDecoder, textDecoderConfig } from '@ecamp/mlm';
import { z } from 'zod';
import { objectiveSliceBase, type Objective } from './objective.js';

const probability = z.number().min(0).max(1);

/** `objectives.mlm`. */
export const mlmSlice = objectiveSliceBase.extend({
  /** `paper` (entity-aware descriptor masking), `authors-code` (descriptors only re-weighted, method.md quirk 3), `random` (BERT's 15 %). */
  masking: z.enum(MASKING_MODES).default('paper'),
  /** Masking probabilities of method.md §3 (entity words, other words, words of a report without entities, the `random` baseline). */
  probabilities: z
    .strictObject({
      entity: probability.default(DEFAULT_MASK_PROBABILITIES.entity),
      other: probability.default(DEFAULT_MASK_PROBABILITIES.other),
      noEntity: probability.default(DEFAULT_MASK_PROBABILITIES.noEntity),
      random: probability.default(DEFAULT_MASK_PROBABILITIES.random),
    })
    .prefault({}),
  /** The entity-aware re-balanced factor (template tokens `templateWeight`, mass moved to descriptors); off: weight 1 everywhere. */
  rebalance: z.boolean().default(true),
  /** Loss weight of a token inside a negation template (method.md §3: 0.05). */
  templateWeight: probability.default(0.05),
  /**
   * Negation templates of the re-balanced factor: `authors` ("there is no evidence of",
   * "there is no" — exactly the authors' two) or `extended` (our 14, @ecamp/mlm's bundled list).
   */
  templates: z.enum(['authors', 'extended']).default('authors'),
  /**
   * Which encoder pass the text decoder reads: `masked` (the paper: the visible 25 % of the
   * patches of the MIM pass) or `full` (a second pass over every patch; one more encoder
   * forward and backward per step). A diagnostic of the evidence benchmark: does the decoder
   * learn to use the image once it sees all of it?
   */
  imageView: z.enum(['masked', 'full']).default('masked'),
});

/** The modules MLM owns. */
export type MlmModules = {
  /** Visible patch tokens (encoder width) → text width. */
  image_proj: Linear;
  /** The text decoder; its first layer is the context-fusion layer (unless `model.fusion` is `none`). */
  text: TextDecoder;
};

export const mlmObjective: Objective<'mlm', MlmModules, typeof mlmSlice> = {
  name: 'mlm',
  label: 'MLM',
  brief: 'masked report words',
  summary: 'entity-aware masked language modelling through the context-fusion layer (re-balanced weighted cross-entropy)',
  reportSettings: [
    { label: 'masking', path: 'objectives.mlm.masking' },
    { label: 'fusion', path: 'model.fusion' },
  ],
  slice: mlmSlice,
  build({ config, encoderDim, vocabSize, rng }) {
    const t = config.model.text;
    const imageProj = new Linear(encoderDim, t.dim, { rng: rng.fork('image_proj') });
    const firstLayer =
      config.model.fusion === 'none'
        ? undefined
        : new ContextFusionLayer({ dim: t.dim, numHeads: t.heads, intermediate: t.intermediate, variant: config.model.fusion, rng: rng.fork('fusion') });
    const text = new TextDecoder(
      textDecoderConfig({ vocabSize, dim: t.dim, numLayers: t.layers, numHeads: t.heads, intermediate: t.intermediate, maxPositions: t.maxLength }),
      { firstLayer, rng: rng.fork('text') },
    );
    return { image_proj: imageProj, text };
  },
  loss: (ctx) => ctx.textPass().loss,
};
