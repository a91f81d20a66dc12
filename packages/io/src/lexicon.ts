/**
 * Entity lexicons and their word-form rules, shared by masking (`@ecamp/mlm`) and distillation
 * (`@ecamp/distill`). A lexicon is a list of lowercase one-word entities; the authors' 44 chest
 * X-ray entities and a fundus list ship in `lexicons/*.json` at the package root. Any other
 * lexicon is a JSON file of the same shape (`{ name, entities, matchPlurals? }`, or a bare array).
 *
 * Word forms: {@link pluralForms} lists the regular English plurals of a word or phrase
 * (opacity → opacities, mass → masses, atelectasis → atelectases); {@link matchEntity} maps a
 * word of a report to its entity (its plurals too when the lexicon says `matchPlurals`), and
 * {@link normaliseEntityName} maps a free-text name (an LLM's "Pleural effusions") to an entity.
 */
import { readJsonFile } from './json-file.js';
import { fileURLToPath } from 'node:url';

/** Entity words matched on whole words (lowercase, one word each). */
export interface EntityLexicon {
  name: string;
  /** Canonical entity words, lowercase, deduplicated, in their given order (the order used in prompts). */
  entities: string[];
  /**
   * Also match regular English plurals of the entries in reports ({@link matchEntity}). Default
   * false: the authors' list matches exact words only.
   */
  matchPlurals?: boolean;
}

/** Absolute path of a lexicon file shipped in the package's `lexicons/` folder (src/ and dist/ both sit one level below the root). */
function bundledPath(file: string): string {
  return fileURLToPath(new URL(`../lexicons/${file}`, import.meta.url));
}

/**
 * Validates a lexicon: an array of entity words or `{ name?, entities, matchPlurals? }`. Words are
 * trimmed, lowercased and deduplicated; errors name `source` and the entry.
 */
export function entityLexiconFrom(json: unknown, source = '<object>'): EntityLexicon {
  const obj = Array.isArray(json) ? { entities: json } : json;
  if (obj === null || typeof obj !== 'object') throw new Error(`entity lexicon: ${source} is not an array or an object`);
  const o = obj as Record<string, unknown>;
  const list = o.entities;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`entity lexicon: ${source}: field "entities" must be a non-empty array of strings`);
  }
  const seen = new Set<string>();
  const entities: string[] = [];
  list.forEach((raw, i) => {
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new Error(`entity lexicon: ${source}: entities[${i}] must be a non-empty string, got ${JSON.stringify(raw)}`);
    }
    const word = raw.trim().toLowerCase();
    if (/\s/.test(word)) throw new Error(`entity lexicon: ${source}: entities[${i}] "${word}" must be one word (matching is per whole word)`);
    if (!seen.has(word)) {
      seen.add(word);
      entities.push(word);
    }
  });
  if (o.matchPlurals !== undefined && typeof o.matchPlurals !== 'boolean') {
    throw new Error(`entity lexicon: ${source}: field "matchPlurals" must be true or false`);
  }
  const lex: EntityLexicon = { name: typeof o.name === 'string' ? o.name : source, entities };
  if (o.matchPlurals !== undefined) lex.matchPlurals = o.matchPlurals as boolean;
  return lex;
}

/** A lexicon from entity words (see {@link entityLexiconFrom}). */
export function createLexicon(words: readonly string[], name = 'custom'): EntityLexicon {
  return entityLexiconFrom({ name, entities: words }, name);
}

/** Reads a lexicon JSON file (see {@link entityLexiconFrom}); errors name the file. */
export function loadEntityLexicon(path: string): EntityLexicon {
  return entityLexiconFrom(readJsonFile(path, 'entity lexicon'), path);
}

const bundled = new Map<string, EntityLexicon>();
function bundledLexicon(file: string): EntityLexicon {
  let lex = bundled.get(file);
  if (!lex) bundled.set(file, (lex = loadEntityLexicon(bundledPath(file))));
  return lex;
}

/** The authors' 44 chest X-ray entities (the default); one shared object, copy it before changing it. */
export function chestXrayEntities(): EntityLexicon {
  return bundledLexicon('chest-xray-entities.json');
}

/** A fundus-photograph entity lexicon (ours); one shared object, copy it before changing it. */
export function fundusEntities(): EntityLexicon {
  return bundledLexicon('fundus-entities.json');
}

/**
 * The word itself and its regular English plural forms; of a phrase, only the last word is
 * inflected ("pleural effusion" → "pleural effusions").
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

interface FormIndex {
  exact: Set<string>;
  forms: Map<string, string>;
}
const indexCache = new WeakMap<EntityLexicon, FormIndex>();
function formIndex(lexicon: EntityLexicon): FormIndex {
  let index = indexCache.get(lexicon);
  if (!index) {
    const forms = new Map<string, string>();
    for (const entity of lexicon.entities) for (const form of pluralForms(entity)) forms.set(form, entity);
    for (const entity of lexicon.entities) forms.set(entity, entity);
    index = { exact: new Set(lexicon.entities), forms };
    indexCache.set(lexicon, index);
  }
  return index;
}

/**
 * The entity a word of a report stands for, or null: the word itself (any case), or, when the
 * lexicon has `matchPlurals`, one of its entities' {@link pluralForms}.
 */
export function matchEntity(word: string, lexicon: EntityLexicon): string | null {
  const w = word.toLowerCase();
  const index = formIndex(lexicon);
  if (index.exact.has(w)) return w;
  return lexicon.matchPlurals === true ? (index.forms.get(w) ?? null) : null;
}

/**
 * Maps a free-text entity name (e.g. an LLM's "Pleural effusions") to a lexicon entity, or null.
 * Matching is on whole words: the name itself, its plural forms, or its last word.
 */
export function normaliseEntityName(name: string, lexicon: EntityLexicon): string | null {
  const clean = name
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, ' ');
  if (!clean) return null;
  const { forms } = formIndex(lexicon);
  const direct = forms.get(clean);
  if (direct) return direct;
  const words = clean.split(' ');
  return forms.get(words[words.length - 1]) ?? null;
}
