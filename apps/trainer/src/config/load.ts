import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
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

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced. */
export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Json, v) : v;
  }
  return out;
}

function resolveConfigPath(ref: string, from: string): string {
  if (!ref.includes('/') && !ref.includes('.')) {
    const preset = join(presetDir, `${ref}.json`);
    if (existsSync(preset)) return preset;
    throw new ConfigError(`${from}: no preset named '${ref}' (presets live in ${presetDir})`);
  }
  return isAbsolute(ref) ? ref : resolve(dirname(from), ref);
}

/** Reads one JSON/YAML file and follows its `extends` chain (a preset name or a path). */
function readRaw(path: string, seen: Set<string> = new Set()): Json {
  if (seen.has(path)) throw new ConfigError(`${path}: 'extends' forms a cycle`);
  seen.add(path);
  if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: cannot parse: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw)) throw new ConfigError(`${path}: the top level must be an object`);
  const { extends: parent, ...rest } = raw;
  if (parent === undefined) return rest;
  if (typeof parent !== 'string') throw new ConfigError(`${path}: field 'extends' must be a preset name or a path`);
  return deepMerge(readRaw(resolveConfigPath(parent, path), seen), rest);
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

/** Formats zod issues as `field.path: message` lines. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('\n');
}

/** Validates a raw object against the schema; `origin` names where it came from in errors. */
export function validateConfig(raw: unknown, origin: string): Config {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${origin}: invalid configuration\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Loads a configuration: a preset name (`tiny`) or a file path, then `--set`
 * overrides in order, then validation with every default filled in.
 */
export function loadConfig(ref: string, overrides: string[] = []): Config {
  const path = resolveConfigPath(ref, join(process.cwd(), 'command line'));
  let raw = readRaw(path);
  for (const o of overrides) raw = deepMerge(raw, parseOverride(o));
  return validateConfig(raw, overrides.length ? `${path} (with --set ${overrides.join(' ')})` : path);
}
