import { readFileSync } from 'node:fs';
import { type EntityLexicon, chestXrayEntities } from '@ecamp/io';
import { parseJsonObjectLine } from './data-file.js';
import { type Distillation, validateLlmAnswer } from './schema.js';

/** Predictions read from a file, by report id. */
export interface PredictionSet {
  /** Distillations of the rows that have one. */
  byId: Map<string, Distillation>;
  /** Ids of rows without a distillation (status failed or missing). */
  withoutDistillation: string[];
}

/**
 * Reads model (or rule) predictions to score: JSONL as written by `ecamp-distill --out-jsonl`,
 * one `{ "id": …, "distillation": { "entities": [...] } }` per line (other fields are ignored; a
 * null distillation, as for failed reports, is listed in `withoutDistillation`). Each distillation
 * goes through the same validation and lexicon normalisation as a live LLM answer, so an LLM's
 * output and the rule distiller's are scored in the same structured form. Errors name the file,
 * line and field; a repeated id is an error.
 */
export function readPredictions(path: string, lexicon: EntityLexicon = chestXrayEntities()): PredictionSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read predictions ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const byId = new Map<string, Distillation>();
  const withoutDistillation: string[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    const where = `${path}:${i + 1}`;
    if (!line.trim()) return;
    const { id, distillation } = parseJsonObjectLine(line, where);
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`${where}: id: expected a string`);
    const key = String(id);
    if (seen.has(key)) throw new Error(`${where}: id: "${key}" appears twice`);
    seen.add(key);
    if (distillation === null || distillation === undefined) {
      withoutDistillation.push(key);
      return;
    }
    const v = validateLlmAnswer(JSON.stringify(distillation), lexicon);
    if (!v.ok) throw new Error(`${where}: distillation: ${v.error}`);
    byId.set(key, v.distillation);
  });
  return { byId, withoutDistillation };
}
