import { packageDataPath, readJsonFile } from './data-file.js';

/** An entity lexicon: the canonical entity names that distillation output is normalised to. */
export interface Lexicon {
  /** Canonical entity names, lowercase, in their given order (the order used in prompts). */
  readonly entities: readonly string[];
}

let defaultLexicon: Lexicon | undefined;

/**
 * The authors' 44 chest X-ray entity words (docs/method.md §3), shipped as `data/lexicon.json`.
 * `@ecamp/mlm` ships the same list; this package keeps its own copy (no sibling imports).
 */
export function defaultChestXrayLexicon(): Lexicon {
  if (!defaultLexicon) defaultLexicon = lexiconFromJson(readJsonFile(packageDataPath('lexicon.json')), 'data/lexicon.json');
  return defaultLexicon;
}

/**
 * Builds a lexicon from names (deduplicated, lowercased, trimmed). Throws on an empty list or
 * an empty name.
 */
export function createLexicon(names: readonly string[]): Lexicon {
  const seen = new Set<string>();
  const entities: string[] = [];
  names.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!name) throw new Error(`lexicon entry ${i} is empty`);
    if (!seen.has(name)) {
      seen.add(name);
      entities.push(name);
    }
  });
  if (entities.length === 0) throw new Error('a lexicon needs at least one entity');
  return { entities };
}

/**
 * Reads a lexicon from parsed JSON: either an array of names or `{ entities: string[] }`
 * (the shape of `@ecamp/mlm`'s and this package's data file). `source` names the origin in errors.
 */
export function lexiconFromJson(json: unknown, source: string): Lexicon {
  const list = Array.isArray(json) ? json : (json as { entities?: unknown } | null)?.entities;
  if (!Array.isArray(list)) throw new Error(`${source}: expected an array of entity names or { "entities": [...] }`);
  list.forEach((v, i) => {
    if (typeof v !== 'string') throw new Error(`${source}: entities[${i}] is not a string`);
  });
  return createLexicon(list as string[]);
}

/** Reads a lexicon JSON file (see {@link lexiconFromJson}). */
export function readLexiconFile(path: string): Lexicon {
  return lexiconFromJson(readJsonFile(path), path);
}

/**
 * Regular English plural/inflection variants of a surface form, used so a lexicon word matches
 * "opacities", "effusions", "masses". Only the last word of a phrase is inflected.
 */
export function pluralForms(form: string): string[] {
  const words = form.split(' ');
  const last = words[words.length - 1];
  const head = words.slice(0, -1);
  const variants = new Set<string>([last]);
  if (/(s|x|z|ch|sh)$/.test(last)) variants.add(`${last}es`);
  else if (/[^aeiou]y$/.test(last)) variants.add(`${last.slice(0, -1)}ies`);
  else variants.add(`${last}s`);
  if (last.endsWith('is')) variants.add(`${last.slice(0, -2)}es`); // atelectasis → atelectases
  return [...variants].map((v) => [...head, v].join(' '));
}

/**
 * Maps a free-text entity name (e.g. an LLM's "Pleural effusions") to a canonical lexicon
 * entity, or null when it is not in the lexicon. Matching is on whole words: the name itself,
 * its plural forms, or its last word.
 */
export function normaliseEntityName(name: string, lexicon: Lexicon): string | null {
  const clean = name.trim().toLowerCase().replace(/[_\s]+/g, ' ');
  if (!clean) return null;
  const byForm = formIndex(lexicon);
  const direct = byForm.get(clean);
  if (direct) return direct;
  const words = clean.split(' ');
  return byForm.get(words[words.length - 1]) ?? null;
}

const formIndexCache = new WeakMap<Lexicon, Map<string, string>>();
function formIndex(lexicon: Lexicon): Map<string, string> {
  let index = formIndexCache.get(lexicon);
  if (!index) {
    index = new Map();
    for (const entity of lexicon.entities) for (const form of pluralForms(entity)) index.set(form, entity);
    for (const entity of lexicon.entities) index.set(entity, entity);
    formIndexCache.set(lexicon, index);
  }
  return index;
}
