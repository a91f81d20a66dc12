/**
 * Running the MLM preparation over a corpus and summarising what it did: how many
 * reports have templates / entities, how much weight mass moved, and the masking rate
 * per class of token. Used by `bench/iu-xray-stats.ts` and the real-data test.
 */
import { analyseTokens } from '../masking/analyse-tokens.js';
import { IGNORE_INDEX } from '../masking/mask-tokens.js';
import { prepareMlmExample, type PrepareMlmOptions } from '../masking/prepare-example.js';
import { chestXrayEntities } from '@ecamp/io';
import { negationTemplates } from '../lexicon/lexicon.js';

/** Aggregate statistics of {@link mlmCorpusStats}. */
export interface MlmCorpusStats {
  reports: number;
  withTemplates: number;
  withEntities: number;
  withDescriptors: number;
  truncated: number;
  /** Mean weight mass moved off template tokens per report (0.95·T). */
  meanMovedMass: number;
  /** Mean share of a report's weight that moved (movedMass / real tokens). */
  meanMovedShare: number;
  meanRealTokens: number;
  meanEntityTokens: number;
  meanTemplateTokens: number;
  meanDescriptorTokens: number;
  /** Observed masking rate of entity, descriptor (non-entity), other tokens in reports with entities, and all tokens of reports without. */
  maskRate: { entity: number; descriptor: number; other: number; noEntity: number };
  /** Sum of weights / real tokens, worst relative deviation from 1 over the corpus. */
  maxWeightConservationError: number;
}

/**
 * Prepare every report once (context-free unless `contexts` is given) and summarise.
 * The analysis of each masked row is recomputed on its unmasked encoding to classify tokens.
 */
export function mlmCorpusStats(
  reports: readonly string[],
  opts: Omit<PrepareMlmOptions, 'context'> & { contexts?: readonly (string | undefined)[] },
): MlmCorpusStats {
  const lexicon = opts.lexicon ?? chestXrayEntities();
  const templates = opts.templates ?? negationTemplates();
  const hit = { entity: 0, descriptor: 0, other: 0, noEntity: 0 };
  const tot = { entity: 0, descriptor: 0, other: 0, noEntity: 0 };
  let withTemplates = 0;
  let withEntities = 0;
  let withDescriptors = 0;
  let truncated = 0;
  let moved = 0;
  let movedShare = 0;
  let real = 0;
  let ent = 0;
  let tmpl = 0;
  let desc = 0;
  let maxErr = 0;
  reports.forEach((report, k) => {
    const ex = prepareMlmExample(report, { ...opts, lexicon, templates, context: opts.contexts?.[k] });
    const s = ex.stats;
    if (s.templateTokens > 0) withTemplates++;
    if (s.hasEntity) withEntities++;
    if (s.descriptorTokens > 0) withDescriptors++;
    if (s.truncated) truncated++;
    moved += s.movedMass;
    movedShare += s.movedMass / s.realTokens;
    real += s.realTokens;
    ent += s.entityTokens;
    tmpl += s.templateTokens;
    desc += s.descriptorTokens;
    let wsum = 0;
    for (const w of ex.weights) wsum += w;
    maxErr = Math.max(maxErr, Math.abs(wsum / s.realTokens - 1));
    const enc = opts.tokenizer.encode(ex.text, { maxLength: opts.maxLength ?? opts.tokenizer.maxLength });
    const a = analyseTokens(enc, opts.tokenizer, lexicon, templates);
    for (let i = 0; i < enc.length; i++) {
      if (enc.wordIds[i] < 0) continue;
      const cls = !a.hasEntity ? 'noEntity' : a.isEntity[i] ? 'entity' : a.isDescriptor[i] ? 'descriptor' : 'other';
      tot[cls]++;
      if (ex.labels[i] !== IGNORE_INDEX) hit[cls]++;
    }
  });
  const n = Math.max(1, reports.length);
  const rate = (c: keyof typeof hit) => (tot[c] > 0 ? hit[c] / tot[c] : NaN);
  return {
    reports: reports.length,
    withTemplates,
    withEntities,
    withDescriptors,
    truncated,
    meanMovedMass: moved / n,
    meanMovedShare: movedShare / n,
    meanRealTokens: real / n,
    meanEntityTokens: ent / n,
    meanTemplateTokens: tmpl / n,
    meanDescriptorTokens: desc / n,
    maskRate: { entity: rate('entity'), descriptor: rate('descriptor'), other: rate('other'), noEntity: rate('noEntity') },
    maxWeightConservationError: maxErr,
  };
}
