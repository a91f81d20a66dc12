import type { Distillation, EntityFinding } from './schema.js';

/**
 * Renders a distillation into the short entity-centred context text that the MLM objective
 * inserts into the report (docs/method.md §2). Deterministic: one lowercase sentence per finding,
 * in the distillation's (canonical) order. Descriptors precede the entity word so that the MLM's
 * descriptor masking (the two tokens before an entity) sees them:
 * - present:   "[severity] [laterality] [location] entity[, change]."
 * - uncertain: "possible [severity] [laterality] [location] entity[, change]."
 * - absent:    "no [laterality] [location] entity."
 * An empty distillation renders to "".
 */
export function renderContext(distillation: Distillation): string {
  return distillation.entities.map(renderFinding).join(' ');
}

function renderFinding(f: EntityFinding): string {
  const place = [f.laterality, f.location].filter(Boolean);
  if (f.status === 'absent') return `${['no', ...place, f.entity].join(' ')}.`;
  const words = [f.status === 'uncertain' ? 'possible' : null, f.severity, ...place, f.entity].filter(Boolean);
  return `${words.join(' ')}${f.change ? `, ${f.change}` : ''}.`;
}
