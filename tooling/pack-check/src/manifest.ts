/**
 * What a packed tarball holds and whether its package.json is publishable: no `workspace:`
 * protocol left, sibling ranges that accept the packed siblings, every entry point present, no
 * path of the workspace written into a file, README links that work on the registry.
 */
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import semver from 'semver';
import { execOk } from './exec.js';

/** A problem found; errors fail the check, warnings are printed. */
export interface Finding {
  level: 'error' | 'warning';
  message: string;
}

/** A tarball unpacked. */
export interface PackedPackage {
  name: string;
  version: string;
  tarball: string;
  /** The unpacked `package/` folder. */
  dir: string;
  /** Files in the tarball, relative, with '/' separators. */
  files: string[];
  manifest: Record<string, unknown>;
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, `${prefix}${e}/`));
    else out.push(`${prefix}${e}`);
  }
  return out;
}

/** Unpacks `tarball` into `into` (with `tar`) and reads its package.json. */
export function unpack(tarball: string, into: string): PackedPackage {
  mkdirSync(into, { recursive: true });
  execOk('tar', ['-xzf', tarball, '-C', into]);
  const dir = join(into, 'package');
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  return { name: String(manifest.name), version: String(manifest.version), tarball, dir, files: listFiles(dir), manifest };
}

/** Every string target of an `exports` value with the path of keys (subpath and conditions) leading to it. */
export function exportTargets(exports: unknown, path: string[] = []): { path: string[]; target: string }[] {
  if (typeof exports === 'string') return [{ path, target: exports }];
  if (Array.isArray(exports)) return exports.flatMap((e) => exportTargets(e, path));
  if (exports && typeof exports === 'object') return Object.entries(exports).flatMap(([k, v]) => exportTargets(v, [...path, k]));
  return [];
}

/** Conditions every consumer may resolve; a missing target under any other (e.g. `source`) only hurts those opting in. */
const STANDARD_CONDITIONS = new Set(['import', 'require', 'default', 'types', 'node', 'browser', 'module-sync']);

const TEXT = /\.(js|mjs|cjs|ts|mts|cts|json|md|map|c|h|txt|csv|yaml|yml)$/;

const rel = (p: string) => posix.normalize(p.replace(/^\.\//, ''));

/**
 * Checks an unpacked package.
 * @param siblings versions of the other packed @ecamp packages (name → version)
 * @param leakMarkers strings that must appear in no file (the workspace's absolute path)
 */
export function checkPackage(p: PackedPackage, siblings: ReadonlyMap<string, string>, leakMarkers: readonly string[]): Finding[] {
  const out: Finding[] = [];
  const m = p.manifest;
  const has = new Set(p.files);
  const err = (message: string) => out.push({ level: 'error', message });
  const warn = (message: string) => out.push({ level: 'warning', message });

  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'] as const) {
    const deps = (m[field] ?? {}) as Record<string, string>;
    for (const [dep, range] of Object.entries(deps)) {
      if (range.startsWith('workspace:')) err(`package.json ${field}['${dep}'] is still '${range}' (the workspace protocol must be rewritten at pack)`);
      else if (field !== 'devDependencies' && siblings.has(dep) && !semver.satisfies(siblings.get(dep)!, range)) {
        err(`package.json ${field}['${dep}'] = '${range}' does not accept the packed ${dep} ${siblings.get(dep)}`);
      }
      if (/^(file|link|portal):|^\.{0,2}\//.test(range)) err(`package.json ${field}['${dep}'] = '${range}' points at a local path`);
    }
  }

  for (const { path, target } of exportTargets(m.exports)) {
    if (has.has(rel(target)) || target.includes('*')) continue;
    const where = `exports${path.map((k) => `['${k}']`).join('')} → ${target}`;
    const custom = path.filter((k) => !k.startsWith('.') && !STANDARD_CONDITIONS.has(k));
    if (custom.length) warn(`${where} is not in the package (only consumers resolving the '${custom.join("', '")}' condition are affected)`);
    else err(`${where} is not in the package`);
  }
  for (const field of ['main', 'types', 'typings', 'module'] as const) {
    const v = m[field];
    if (typeof v === 'string' && !has.has(rel(v))) err(`package.json ${field} → ${v} is not in the package`);
  }
  const bin = typeof m.bin === 'string' ? { [p.name]: m.bin } : ((m.bin ?? {}) as Record<string, string>);
  for (const [name, target] of Object.entries(bin)) if (!has.has(rel(target))) err(`package.json bin['${name}'] → ${target} is not in the package`);
  if (!p.files.some((f) => /^readme(\.md)?$/i.test(f))) err('README.md is not in the package');

  let brokenMaps = 0;
  for (const f of p.files.filter((x) => TEXT.test(x))) {
    const text = readFileSync(join(p.dir, f), 'utf8');
    for (const marker of leakMarkers) if (marker && text.includes(marker)) err(`${f} contains the workspace path ${marker}`);
    if (f.endsWith('.map')) {
      try {
        const sources = (JSON.parse(text) as { sources?: string[] }).sources ?? [];
        if (sources.length && sources.every((s) => !has.has(posix.normalize(posix.join(posix.dirname(f), s))))) brokenMaps++;
      } catch {
        err(`${f} is not valid JSON`);
      }
    }
  }
  if (brokenMaps)
    warn(`${brokenMaps} source/declaration map(s) point at sources that are not in the package (debuggers and go-to-definition fall back to dist/)`);

  const readme = p.files.find((f) => /^readme\.md$/i.test(f));
  if (readme) {
    const text = readFileSync(join(p.dir, readme), 'utf8');
    for (const link of new Set([...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((x) => x[1]))) {
      if (/^(https?:|mailto:|#)/.test(link)) continue;
      const target = rel(link.split('#')[0]);
      if (target.startsWith('..')) warn(`README.md links ${link}, outside the package (broken on the registry; use an absolute URL)`);
      else if (target && !has.has(target) && !p.files.some((f) => f.startsWith(`${target}/`)))
        warn(`README.md links ${link}, which is not in the package (broken on the registry)`);
    }
  }
  return out;
}

/** The folder a tarball was unpacked into (for messages). */
export function unpackedRoot(p: PackedPackage): string {
  return dirname(p.dir);
}
