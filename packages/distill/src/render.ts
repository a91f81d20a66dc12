import { z } from 'zod';
import { readJsonFile } from '@ecamp/io';
import { packageDataPath } from './data-file.js';
import type { Distillation, EntityFinding } from './schema.js';

const wordingSchema = z.object({
  description: z.string().optional(),
  adverbs: z.record(z.string().min(1), z.string().min(1)),
  entities: z.record(
    z.string().min(1),
    z.object({
      phrase: z.string().min(1).optional(),
      bare: z.string().min(1).optional(),
      normal: z.string().min(1).optional(),
      adjectival: z.boolean().optional(),
    }),
  ),
});

/** How entities are worded in context text (`data/render.json`). */
export type RenderWording = z.infer<typeof wordingSchema>;

/** Validates parsed JSON as render wording; errors name `source` and the offending field. */
export function renderWordingFromJson(json: unknown, source: string): RenderWording {
  const parsed = wordingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

let defaultWording: RenderWording | undefined;

/** The shipped chest X-ray wording (`data/render.json`). */
export function defaultRenderWording(): RenderWording {
  defaultWording ??= renderWordingFromJson(readJsonFile(packageDataPath('render.json')), 'data/render.json');
  return defaultWording;
}

/**
 * Renders a distillation into the short entity-centred context text that the MLM objective
 * inserts into the report (docs/method.md §2). Deterministic: one lowercase sentence per finding,
 * in the distillation's (canonical) order, worded as a radiologist writes it (`wording`, default
 * `data/render.json`: "normal cardiomediastinal contour", "mildly hyperinflated lungs",
 * "tortuous aorta"). Descriptors precede the entity phrase so that the MLM's descriptor masking
 * (the two tokens before an entity) sees them:
 * - present:   "[severity] [laterality] [location] phrase[, change]." ("abnormal aorta" when an
 *              anatomy entity has no attribute)
 * - uncertain: "possible [severity] [laterality] [location] phrase[, change]."
 * - absent:    the entity's normal wording ("normal pulmonary vasculature"), else
 *              "no [laterality] [location] phrase."
 * An empty distillation renders to "".
 */
export function renderContext(distillation: Distillation, wording: RenderWording = defaultRenderWording()): string {
  return distillation.entities.map((f) => renderFinding(f, wording)).join(' ');
}

function renderFinding(f: EntityFinding, wording: RenderWording): string {
  const w = wording.entities[f.entity] ?? {};
  const phrase = w.phrase ?? f.entity;
  const place = [f.laterality, f.location].filter(Boolean);
  if (f.status === 'absent') {
    if (w.normal && place.length === 0) return `${w.normal}.`;
    return `${['no', ...place, phrase].join(' ')}.`;
  }
  let severity = f.severity ?? (place.length ? null : (w.bare ?? null));
  if (severity) {
    // "mild" before an adjective or attribute reads "mildly": "mildly tortuous aorta", "mildly hyperinflated lungs".
    const [first, ...rest] = severity.split(' ');
    const adverb = wording.adverbs[first];
    if (adverb && (rest.length > 0 || (w.adjectival && place.length === 0))) severity = [adverb, ...rest].join(' ');
  }
  const words = [f.status === 'uncertain' ? 'possible' : null, severity, ...place, phrase].filter(Boolean);
  return `${words.join(' ')}${f.change ? `, ${f.change}` : ''}.`;
}
