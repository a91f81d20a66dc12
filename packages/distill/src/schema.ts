import { z } from 'zod';
import { type EntityLexicon, normaliseEntityName } from '@ecamp/io';

/** Whether an entity is reported as present, explicitly absent, or uncertain ("possible …"). */
export type EntityStatus = 'present' | 'absent' | 'uncertain';
/** Side of the finding; null when the report gives none. */
export type Laterality = 'left' | 'right' | 'bilateral';

/** One entity-centred statement: an entity of the lexicon, its status and its descriptors. */
export interface EntityFinding {
  /** Canonical lexicon entity name. */
  entity: string;
  status: EntityStatus;
  /** Size, severity or abnormal attribute ("small", "mild", "tortuous"), lowercase; null when not stated. */
  severity: string | null;
  laterality: Laterality | null;
  /** Anatomical location ("lower lobe", "basilar"), lowercase; null when not stated. */
  location: string | null;
  /** Change over time ("new", "increased", "unchanged"), lowercase; null when not stated. */
  change: string | null;
}

/** The structured distillation of one report (LLM or rule-based), in canonical order. */
export interface Distillation {
  entities: EntityFinding[];
}

const MAX_DESCRIPTOR = 40;
const descriptor = z.string().max(MAX_DESCRIPTOR).nullable().optional();

/** zod schema of what the LLM must answer (before lexicon normalisation). */
export const llmAnswerSchema = z.object({
  entities: z
    .array(
      z.object({
        entity: z.string().min(1).max(60),
        status: z.enum(['present', 'absent', 'uncertain']),
        severity: descriptor,
        laterality: z.enum(['left', 'right', 'bilateral']).nullable().optional(),
        location: descriptor,
        change: descriptor,
      }),
    )
    .max(64),
});

/**
 * JSON schema passed as Ollama's `format`, so the server constrains decoding to this shape.
 * Entity names are an enum of the lexicon; the answer is validated again with zod afterwards.
 */
export function ollamaFormatSchema(lexicon: EntityLexicon): Record<string, unknown> {
  const nullableString = { type: ['string', 'null'], maxLength: MAX_DESCRIPTOR };
  return {
    type: 'object',
    properties: {
      entities: {
        type: 'array',
        maxItems: 64,
        items: {
          type: 'object',
          properties: {
            entity: { type: 'string', enum: [...lexicon.entities] },
            status: { type: 'string', enum: ['present', 'absent', 'uncertain'] },
            severity: nullableString,
            laterality: { type: ['string', 'null'], enum: ['left', 'right', 'bilateral', null] },
            location: nullableString,
            change: nullableString,
          },
          required: ['entity', 'status', 'severity', 'laterality', 'location', 'change'],
        },
      },
    },
    required: ['entities'],
  };
}

/** Result of validating an LLM answer: the canonical distillation, or a message to quote in a re-ask. */
export type ValidationResult =
  { ok: true; distillation: Distillation; unknownEntities: string[] } | { ok: false; kind: 'invalid-json' | 'invalid-schema'; error: string };

/**
 * Parses and validates an LLM answer: JSON syntax, then the zod schema, then normalises entity
 * names to the lexicon (names outside it are dropped and listed in `unknownEntities`) and puts
 * the findings in canonical order. The error text is meant to be quoted back to the model.
 */
export function validateLlmAnswer(raw: string, lexicon: EntityLexicon): ValidationResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, kind: 'invalid-json', error: `not valid JSON (${(err as Error).message})` };
  }
  const parsed = llmAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const error = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, kind: 'invalid-schema', error };
  }
  const unknownEntities: string[] = [];
  const findings: EntityFinding[] = [];
  for (const item of parsed.data.entities) {
    const entity = normaliseEntityName(item.entity, lexicon);
    if (!entity) {
      unknownEntities.push(item.entity);
      continue;
    }
    findings.push({
      entity,
      status: item.status,
      severity: cleanDescriptor(item.severity),
      laterality: item.laterality ?? null,
      location: cleanDescriptor(item.location),
      change: cleanDescriptor(item.change),
    });
  }
  return { ok: true, distillation: canonicalDistillation(findings, lexicon), unknownEntities };
}

function cleanDescriptor(value: string | null | undefined): string | null {
  const clean = (value ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  return clean && clean !== 'null' && clean !== 'none' ? clean : null;
}

const STATUS_ORDER: Record<EntityStatus, number> = { present: 0, uncertain: 1, absent: 2 };

/**
 * Sorts findings by lexicon order, then status (present, uncertain, absent), then descriptors,
 * and removes exact duplicates, so equal content always renders to equal text whatever order
 * the model (or the rules) produced it in.
 */
export function canonicalDistillation(findings: readonly EntityFinding[], lexicon: EntityLexicon): Distillation {
  const rank = new Map(lexicon.entities.map((e, i) => [e, i]));
  const key = (f: EntityFinding) => JSON.stringify([f.entity, f.status, f.severity, f.laterality, f.location, f.change]);
  const unique = new Map<string, EntityFinding>();
  for (const f of findings) if (!unique.has(key(f))) unique.set(key(f), { ...f });
  const entities = [...unique.values()].sort(
    (a, b) =>
      (rank.get(a.entity) ?? Infinity) - (rank.get(b.entity) ?? Infinity) ||
      a.entity.localeCompare(b.entity) ||
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      key(a).localeCompare(key(b)),
  );
  return { entities };
}
