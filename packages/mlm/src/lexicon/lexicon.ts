/**
 * Negation-template lexicons: data files, not code.
 *
 * The defaults live in `lexicons/*.json` at the package root (shipped with the package): our
 * negation templates and the authors' two. Any other template lexicon is a JSON file of the same
 * shape passed to {@link loadTemplateLexicon}. Entity lexicons (the authors' 44 chest X-ray
 * entities, their word forms) are `@ecamp/io`'s, shared with `@ecamp/distill`.
 */
import { fileURLToPath } from 'node:url';
import { readJsonFile } from '@ecamp/io';

/** Boiler-plate phrases matched as token sequences. */
export interface TemplateLexicon {
  name: string;
  templates: string[];
}

// src/lexicon/ and dist/lexicon/ are both two levels below the package root.
const LEXICON_DIR = new URL('../../lexicons/', import.meta.url);

/** Absolute path of a template file shipped with the package, e.g. `negation-templates.json`. */
export function bundledLexiconPath(file: string): string {
  return fileURLToPath(new URL(file, LEXICON_DIR));
}

/** Validate a template lexicon object (lowercases and trims the phrases). */
export function templateLexiconFrom(obj: unknown, source = '<object>'): TemplateLexicon {
  if (obj === null || typeof obj !== 'object') throw new Error(`template lexicon: ${source} is not an object`);
  const o = obj as Record<string, unknown>;
  const list = o.templates;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`template lexicon: ${source}: field "templates" must be a non-empty array of strings`);
  }
  const templates = list.map((s, i) => {
    if (typeof s !== 'string' || s.trim() === '') {
      throw new Error(`template lexicon: ${source}: templates[${i}] must be a non-empty string, got ${JSON.stringify(s)}`);
    }
    return s.trim().toLowerCase();
  });
  return { name: typeof o.name === 'string' ? o.name : source, templates };
}

/** Read a template lexicon JSON file `{ name, templates: string[] }`. */
export function loadTemplateLexicon(path: string): TemplateLexicon {
  const json = readJsonFile(path, 'template lexicon');
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new Error(`template lexicon: ${path} is not a valid lexicon JSON: top level is not an object`);
  return templateLexiconFrom(json, path);
}

/** Our extended negation templates (14: "there is no …", "no evidence of …", "no acute …"); the package default. */
export function negationTemplates(): TemplateLexicon {
  return loadTemplateLexicon(bundledLexiconPath('negation-templates.json'));
}

/** The authors' two negation templates, exactly: "there is no evidence of" and "there is no" (the paper's setting). */
export function authorsNegationTemplates(): TemplateLexicon {
  return loadTemplateLexicon(bundledLexiconPath('negation-templates-authors.json'));
}
