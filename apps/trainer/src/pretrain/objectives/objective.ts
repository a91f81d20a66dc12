/**
 * What a pre-training objective is to the trainer: a name (its key under
 * `objectives.*` in the configuration and in the logged loss parts), its slice of
 * the configuration (enabled, weight and its own options), the modules it owns
 * (built only when it is enabled), and its loss term read from a {@link StepContext}.
 * The registry (`registry.ts`) lists them; everything that used to name MIM, SR and
 * MLM by hand iterates it.
 */
import type { Module, Rng, tf } from '@ecamp/core';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import type { StepContext } from './context.js';

/** The fields every objective's configuration slice has. */
export const objectiveSliceBase = z.strictObject({
  enabled: z.boolean().default(true),
  weight: z.number().nonnegative().default(1),
});

/** A resolved slice: `enabled`, `weight` (and the objective's own options). */
export type ObjectiveSlice = z.infer<typeof objectiveSliceBase>;

/** What an objective gets to build its modules. */
export interface BuildEnv {
  config: Config;
  /** Width of the encoder's tokens. */
  encoderDim: number;
  /** Size of the tokenizer's vocabulary (1 when there is no text). */
  vocabSize: number;
  /** The model's generator: objectives fork their own labelled streams from it (forks do not advance it). */
  rng: Rng;
}

/**
 * One objective.
 * @typeParam N its name: the key of its slice under `objectives` and of its loss part
 * @typeParam M the modules it owns: registered on the model under these keys (their
 *   parameters are named `<key>.*`), in the order of the object
 * @typeParam S its configuration slice's schema
 */
export interface Objective<N extends string = string, M extends Record<string, Module> = Record<string, Module>, S extends z.ZodObject = z.ZodObject> {
  readonly name: N;
  /** Short label for tables and charts (`MIM`, `SR`, `MLM`). */
  readonly label: string;
  /** A few words on what it trains, beside the label in chart legends and titles (`masked image modelling`). */
  readonly brief: string;
  /** One line on what it trains. */
  readonly summary: string;
  /**
   * The settings the run report's configuration table shows beside on/off and the weight: a
   * label and the dotted configuration path (`objectives.superres.window`) of each.
   */
  readonly reportSettings?: readonly { readonly label: string; readonly path: string }[];
  /** The configuration slice under `objectives.<name>`: {@link objectiveSliceBase} extended with its options. */
  readonly slice: S;
  /** Builds the modules it owns; called only when it is enabled. */
  build(env: BuildEnv): M;
  /**
   * Its term, already at the scale `objectives.balance` asks for, before the weight.
   * Shared results (encoder output, MIM prediction, fusion attention, windows) come
   * from the context, which computes each once.
   */
  loss(ctx: StepContext): tf.Scalar;
  /**
   * Whether it reads the MAE pixel decoder's prediction (`ctx.mimPrediction()`): the decoder is
   * built only when an enabled objective does.
   */
  readonly usesPixelDecoder?: boolean;
  /** Whether it reads the fusion layer's text→image attention (the text pass then returns it). */
  needsFusionAttention?(config: Config): boolean;
}
