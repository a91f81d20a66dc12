import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isScalar, isSeq, parse as parseYaml, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';

/** The presets shipped with the trainer (`configs/<name>.json`). */
export const presetDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'configs');

/** Raised for any invalid configuration; the message names the file and field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge: objects merge key by key, everything else (arrays included) is replaced.
 * Keys are defined, not assigned: a `__proto__` key stays a key (and is then rejected as
 * unknown) instead of replacing the object's prototype.
 */
export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const value = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Json, v) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** One file of an `extends` chain, kept to find the line of a field in error messages. */
interface ConfigSource {
  path: string;
  text: string;
}

/** `line L, column C` (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * The line of `keys` in a JSON or YAML text (JSON read as YAML, which it is), or — when the
 * text does not hold the whole path — `exact: false` with the line of its deepest ancestor.
 */
function findLine(text: string, keys: PropertyKey[]): { line: number; exact: boolean } | undefined {
  const lineCounter = new LineCounter();
  let node: unknown = parseDocument(text, { lineCounter, uniqueKeys: false }).contents;
  let found: { line: number; exact: boolean } | undefined;
  for (const key of keys) {
    let next: { range?: [number, number, number] | null } | undefined;
    let at: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      at = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      next = pair?.value as typeof next;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key] as typeof next;
      at = next?.range?.[0];
    }
    if (at === undefined) return found && { ...found, exact: false };
    found = { line: lineCounter.linePos(at).line, exact: true };
    node = next;
  }
  return found;
}

function resolveConfigPath(ref: string, from: string): string {
  if (!ref.includes('/') && !ref.includes('.')) {
    const preset = join(presetDir, `${ref}.json`);
    if (existsSync(preset)) return preset;
    throw new ConfigError(`${from}: no preset named '${ref}' (presets live in ${presetDir})`);
  }
  return isAbsolute(ref) ? ref : resolve(dirname(from), ref);
}

/** Reads one JSON/YAML file and follows its `extends` chain (a preset name or a path); `sources` collects the files, child first. */
function readRaw(path: string, seen: Set<string> = new Set(), sources: ConfigSource[] = []): Json {
  if (seen.has(path)) throw new ConfigError(`${path}: 'extends' forms a cycle`);
  seen.add(path);
  const child = sources[sources.length - 1];
  const from = child ? ` (the 'extends' on line ${findLine(child.text, ['extends'])?.line ?? 1} of ${child.path})` : '';
  if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}${from}`);
  // A byte-order mark (Windows editors write one) is not part of the JSON or YAML.
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  sources.push({ path, text });
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    throw new ConfigError(`${path}: cannot parse${at ? ` (${lineColumn(text, Number(at[1]))})` : ''}: ${msg}`);
  }
  if (!isPlainObject(raw)) throw new ConfigError(`${path}: the top level must be an object`);
  const { extends: parent, ...rest } = raw;
  if (parent === undefined) return rest;
  if (typeof parent !== 'string')
    throw new ConfigError(`${path}: field 'extends' must be a preset name or a path (line ${findLine(text, ['extends'])?.line ?? 1})`);
  return deepMerge(readRaw(resolveConfigPath(parent, path), seen, sources), rest);
}

/**
 * Turns `a.b.c=value` into `{a: {b: {c: value}}}`. The value is parsed as JSON
 * when it can be (numbers, booleans, arrays), else kept as a string.
 */
export function parseOverride(assignment: string): Json {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set '${assignment}': expected key.path=value`);
  const keys = assignment.slice(0, eq).split('.');
  const text = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  return keys.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Json;
}

/** Where a field came from, for an error line: `(line 3)`, `(line 7 of parent.yaml)` or `(from --set a.b=1)`; '' when unknown. */
export type FieldLocator = (keys: PropertyKey[]) => string;

/** Formats zod issues as `field.path: message (where)` lines. */
function describeIssues(error: z.ZodError, locate?: FieldLocator): string {
  return error.issues
    .map((issue) => {
      // An unknown key is reported on its parent object: name the key itself.
      const keys = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]] : issue.path;
      const where = locate?.(keys);
      return `  ${keys.length ? keys.map(String).join('.') : '(top level)'}: ${issue.message}${where ? ` ${where}` : ''}`;
    })
    .join('\n');
}

/** Validates a raw object against the schema; `origin` names where it came from in errors, `locate` the line of each field. */
export function validateConfig(raw: unknown, origin: string, locate?: FieldLocator): Config {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${origin}: invalid configuration\n${describeIssues(parsed.error, locate)}`);
  return parsed.data;
}

/**
 * Locates fields for error lines: a `--set` that sets the field (or one of its parents) wins,
 * then the first file of the `extends` chain (child first) that holds the field; else the line
 * of the field's nearest parent in the top file.
 */
function locator(sources: ConfigSource[], overrides: string[]): FieldLocator {
  return (keys) => {
    const dotted = keys.map(String).join('.');
    for (let k = overrides.length - 1; k >= 0; k--) {
      const key = overrides[k].slice(0, Math.max(0, overrides[k].indexOf('=')));
      if (dotted === key || dotted.startsWith(`${key}.`) || key.startsWith(`${dotted}.`)) return `(from --set ${overrides[k]})`;
    }
    for (let k = 0; k < sources.length; k++) {
      const found = findLine(sources[k].text, keys);
      if (found?.exact) return `(line ${found.line}${k ? ` of ${sources[k].path}` : ''})`;
    }
    const near = sources.length ? findLine(sources[0].text, keys) : undefined;
    return near ? `(near line ${near.line})` : '';
  };
}

/**
 * Loads a configuration: a preset name (`tiny`) or a file path, then `--set`
 * overrides in order, then validation with every default filled in.
 */
export function loadConfig(ref: string, overrides: string[] = []): Config {
  const path = resolveConfigPath(ref, join(process.cwd(), 'command line'));
  const sources: ConfigSource[] = [];
  let raw = readRaw(path, new Set(), sources);
  for (const o of overrides) raw = deepMerge(raw, parseOverride(o));
  return validateConfig(raw, overrides.length ? `${path} (with --set ${overrides.join(' ')})` : path, locator(sources, overrides));
}
