/**
 * Entity and negation-template lexicons: data files, not code.
 *
 * The defaults live in `lexicons/*.json` at the package root (shipped with the
 * package): the authors' 44 chest X-ray entity words, our negation templates, and a
 * fundus entity list for fundus pre-training. Any other lexicon is a JSON file of the
 * same shape passed to {@link loadEntityLexicon} / {@link loadTemplateLexicon}.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Entity words matched on whole words (lowercase). */
export interface EntityLexicon {
  name: string;
  entities: string[];
  /**
   * Also match regular English plurals of the entries (opacities → opacity, effusions →
   * effusion, masses → mass). Default false: the authors' list matches exact words only.
   */
  matchPlurals?: boolean;
}

/** Boiler-plate phrases matched as token sequences. */
export interface TemplateLexicon {
  name: string;
  templates: string[];
}

// src/lexicon/ and dist/lexicon/ are both two levels below the package root.
const LEXICON_DIR = new URL('../../lexicons/', import.meta.url);

/** Absolute path of a lexicon file shipped with the package, e.g. `chest-xray-entities.json`. */
export function bundledLexiconPath(file: string): string {
  return fileURLToPath(new URL(file, LEXICON_DIR));
}

function readJson(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what}: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('top level is not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${what}: ${path} is not a valid lexicon JSON: ${(e as Error).message}`);
  }
}

function stringList(obj: Record<string, unknown>, field: string, source: string, what: string): string[] {
  const list = obj[field];
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`${what}: ${source}: field "${field}" must be a non-empty array of strings`);
  }
  return list.map((s, i) => {
    if (typeof s !== 'string' || s.trim() === '') {
      throw new Error(`${what}: ${source}: ${field}[${i}] must be a non-empty string, got ${JSON.stringify(s)}`);
    }
    return s.trim().toLowerCase();
  });
}

/** Validate an entity lexicon object (lowercases and trims the words). */
export function entityLexiconFrom(obj: unknown, source = '<object>'): EntityLexicon {
  if (obj === null || typeof obj !== 'object') throw new Error(`entity lexicon: ${source} is not an object`);
  const o = obj as Record<string, unknown>;
  const entities = stringList(o, 'entities', source, 'entity lexicon');
  for (const [i, e] of entities.entries()) {
    if (/\s/.test(e)) throw new Error(`entity lexicon: ${source}: entities[${i}] "${e}" must be one word (matching is per whole word)`);
  }
  if (o.matchPlurals !== undefined && typeof o.matchPlurals !== 'boolean') {
    throw new Error(`entity lexicon: ${source}: field "matchPlurals" must be true or false`);
  }
  const lex: EntityLexicon = { name: typeof o.name === 'string' ? o.name : source, entities };
  if (o.matchPlurals !== undefined) lex.matchPlurals = o.matchPlurals as boolean;
  return lex;
}

/** Validate a template lexicon object. */
export function templateLexiconFrom(obj: unknown, source = '<object>'): TemplateLexicon {
  if (obj === null || typeof obj !== 'object') throw new Error(`template lexicon: ${source} is not an object`);
  const o = obj as Record<string, unknown>;
  return { name: typeof o.name === 'string' ? o.name : source, templates: stringList(o, 'templates', source, 'template lexicon') };
}

/** Read an entity lexicon JSON file `{ name, entities: string[] }`. */
export function loadEntityLexicon(path: string): EntityLexicon {
  return entityLexiconFrom(readJson(path, 'entity lexicon'), path);
}

/** Read a template lexicon JSON file `{ name, templates: string[] }`. */
export function loadTemplateLexicon(path: string): TemplateLexicon {
  return templateLexiconFrom(readJson(path, 'template lexicon'), path);
}

/** The authors' 44 chest X-ray entities (the default). */
export function chestXrayEntities(): EntityLexicon {
  return loadEntityLexicon(bundledLexiconPath('chest-xray-entities.json'));
}

/** A fundus-photograph entity lexicon (ours). */
export function fundusEntities(): EntityLexicon {
  return loadEntityLexicon(bundledLexiconPath('fundus-entities.json'));
}

/** Our extended negation templates (14: "there is no …", "no evidence of …", "no acute …"); the package default. */
export function negationTemplates(): TemplateLexicon {
  return loadTemplateLexicon(bundledLexiconPath('negation-templates.json'));
}

/** The authors' two negation templates, exactly: "there is no evidence of" and "there is no" (the paper's setting). */
export function authorsNegationTemplates(): TemplateLexicon {
  return loadTemplateLexicon(bundledLexiconPath('negation-templates-authors.json'));
}
