/**
 * One MLM training example from a report: context insertion → tokenisation →
 * entity/descriptor/template analysis → masking → re-balanced weights.
 */
import type { MlmTokenizer } from '../tokenizer/load-tokenizer.js';
import { chestXrayEntities, type EntityLexicon } from '@ecamp/io';
import { negationTemplates, type TemplateLexicon } from '../lexicon/lexicon.js';
import { insertContext, type TextRng } from '../text/context-insertion.js';
import { analyseTokens } from './analyse-tokens.js';
import { maskEntityAware, maskRandom, type MaskProbabilities, type MaskingMode } from './mask-tokens.js';
import { rebalancedWeights } from './rebalance.js';

/** Options of {@link prepareMlmExample}. */
export interface PrepareMlmOptions {
  /** Distilled entity-centred context; inserted with probability `contextProbability`. */
  context?: string;
  /** Random source (core's `Rng` fits); every draw comes from it. */
  rng: TextRng;
  tokenizer: MlmTokenizer;
  /** Entity words (default: the authors' 44 chest X-ray entities). */
  lexicon?: EntityLexicon;
  /** Negation templates (default: the bundled list). */
  templates?: TemplateLexicon;
  /** `paper` (default), `authors-code` or `random`. */
  mode?: MaskingMode;
  /** Row length L (default: the tokenizer's). */
  maxLength?: number;
  /** Probability of inserting the context (default 0.8). */
  contextProbability?: number;
  /** Masking probabilities (defaults: the paper's). */
  probabilities?: Partial<MaskProbabilities>;
  /** Template token weight (default 0.05). */
  templateWeight?: number;
  /**
   * Apply the re-balanced factor (default true for `paper` and `authors-code`, false for the
   * `random` baseline); false gives weight 1 to every real token.
   */
  rebalance?: boolean;
  /**
   * Which positions carry a label. `masked` (default): the original id at masked positions,
   * −100 elsewhere, weights on real tokens only. `all`: the authors' code — the original id
   * at every position of the row (unmasked tokens and `[PAD]` padding included) and weights
   * over the whole row: 1 everywhere (padding too), template tokens 0.05, descriptors
   * × the factor, and without descriptors every position × L/(L − 0.95·T) with L the
   * padded length, as their dataset computes it. With `TextDecoder.loss`'s `authors`
   * reduction this is their `(CE · w).mean()` over B·L exactly.
   */
  lossPositions?: 'masked' | 'all';
}

/** One prepared example; every array has length L. */
export interface MlmExample {
  /** [L] int32 ids after masking, `[CLS]` first. */
  inputIds: Int32Array;
  /** [L] int32 original ids where masked, −100 elsewhere (`lossPositions: 'all'`: original ids everywhere). */
  labels: Int32Array;
  /** [L] float32 loss weights (0 on padding, except with `lossPositions: 'all'`). */
  weights: Float32Array;
  /** [L] int32, 1 on real tokens. */
  attentionMask: Int32Array;
  /** Token indices of entity words (all their pieces), ascending. */
  entityPositions: number[];
  /** The text that was tokenised (report with or without context). */
  text: string;
  /** Counts behind the example, for statistics. */
  stats: {
    contextInserted: boolean;
    hasEntity: boolean;
    entityTokens: number;
    descriptorTokens: number;
    templateTokens: number;
    maskedTokens: number;
    realTokens: number;
    movedMass: number;
    truncated: boolean;
  };
}

/** Lexicons loaded once per process when the caller passes none. */
let defaults: { lexicon: EntityLexicon; templates: TemplateLexicon } | null = null;
function defaultLexicons() {
  if (!defaults) defaults = { lexicon: chestXrayEntities(), templates: negationTemplates() };
  return defaults;
}

/** Build one masked, weighted MLM example from a report. */
export function prepareMlmExample(report: string, opts: PrepareMlmOptions): MlmExample {
  if (typeof report !== 'string') throw new Error(`prepareMlmExample: report must be a string, got ${typeof report}`);
  const mode = opts.mode ?? 'paper';
  if (mode !== 'paper' && mode !== 'authors-code' && mode !== 'random') {
    throw new Error(`prepareMlmExample: mode must be 'paper', 'authors-code' or 'random', got ${JSON.stringify(mode)}`);
  }
  const lexicon = opts.lexicon ?? defaultLexicons().lexicon;
  const templates = opts.templates ?? defaultLexicons().templates;
  const { tokenizer, rng } = opts;
  const ins = insertContext(report, opts.context, rng, opts.contextProbability ?? 0.8);
  const enc = tokenizer.encode(ins.text, { maxLength: opts.maxLength ?? tokenizer.maxLength });
  const analysis = analyseTokens(enc, tokenizer, lexicon, templates);
  const masked =
    mode === 'random'
      ? maskRandom(
          enc.ids,
          enc.wordIds.map((w) => (w >= 0 ? 1 : 0)),
          rng,
          tokenizer.specialIds.mask,
          tokenizer.vocabSize,
          Math.max(...Object.values(tokenizer.specialIds)) + 1,
          opts.probabilities?.random,
        )
      : maskEntityAware(enc.ids, analysis, rng, tokenizer.specialIds.mask, mode, opts.probabilities);
  const lossPositions = opts.lossPositions ?? 'masked';
  if (lossPositions !== 'masked' && lossPositions !== 'all') {
    throw new Error(`prepareMlmExample: lossPositions must be 'masked' or 'all', got ${JSON.stringify(lossPositions)}`);
  }
  const all = lossPositions === 'all';
  const reb = rebalancedWeights({
    // The authors weight the whole padded row and scale by its length when no descriptor takes the mass.
    length: all ? enc.ids.length : enc.length,
    isTemplate: analysis.isTemplate,
    isDescriptor: analysis.isDescriptor,
    templateWeight: opts.templateWeight,
  });
  const rebalance = opts.rebalance ?? mode !== 'random';
  let weights = reb.weights;
  if (!rebalance) {
    weights = new Float32Array(enc.ids.length);
    weights.fill(1, 0, all ? enc.ids.length : enc.length);
  }
  let maskedTokens = 0;
  for (const l of masked.labels) if (l >= 0) maskedTokens++;
  return {
    inputIds: masked.inputIds,
    labels: all ? Int32Array.from(enc.ids) : masked.labels,
    weights,
    attentionMask: enc.attentionMask,
    entityPositions: analysis.entityPositions,
    text: ins.text,
    stats: {
      contextInserted: ins.inserted,
      hasEntity: analysis.hasEntity,
      entityTokens: analysis.entityPositions.length,
      descriptorTokens: reb.descriptorTokens,
      templateTokens: reb.templateTokens,
      maskedTokens,
      realTokens: enc.length,
      movedMass: rebalance ? reb.movedMass : 0,
      truncated: enc.truncated,
    },
  };
}
