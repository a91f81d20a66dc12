/**
 * Dry run of a release's versioning: the workspace's manifests and changesets are copied to a
 * scratch folder, `changeset version` runs there, and every public package is packed from the
 * copy. Checked: each packed @ecamp dependency accepts the version its sibling now has, and no
 * package keeps its version while a sibling it depends on moves (it would be published pinned to
 * the old one — two copies of @ecamp/core, two TF.js engines, for anyone mixing them).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import semver from 'semver';
import { execOk } from './exec.js';
import { unpack, type Finding } from './manifest.js';
import { publicPackages, workspaceDependencies, workspacePackages } from './workspace.js';

/** A bump of one package in a scenario's extra changeset. */
export type Bump = 'patch' | 'minor' | 'major';

/** One dry run: which changesets are in play. */
export interface VersionScenario {
  name: string;
  /** Keep the workspace's pending changesets (default true). */
  pending?: boolean;
  /** An extra changeset to add. */
  extra?: Record<string, Bump>;
}

/** What one dry run produced. */
export interface VersionOutcome {
  scenario: string;
  /** name → [before, after] for every public package. */
  versions: Map<string, [string, string]>;
  /** name → its packed dependencies on the other public packages (name → range). */
  ranges: Map<string, Record<string, string>>;
  findings: Finding[];
  seconds: number;
}

/** Copies what `changeset version` and `pnpm pack` read, linking workspace dependencies as pnpm would. */
export function copyForVersioning(root: string, into: string): void {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, f), join(into, f));
  cpSync(join(root, '.changeset'), join(into, '.changeset'), { recursive: true });
  const all = workspacePackages(root);
  const dirOf = new Map(all.map((p) => [p.name, p.dir]));
  for (const p of all) {
    mkdirSync(join(into, p.dir), { recursive: true });
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md']) if (existsSync(join(root, p.dir, f))) cpSync(join(root, p.dir, f), join(into, p.dir, f));
    // pnpm pack reads the linked dependency's version to rewrite `workspace:` ranges.
    for (const dep of workspaceDependencies(p)) {
      const target = dirOf.get(dep);
      if (!target) continue;
      const link = join(into, p.dir, 'node_modules', dep);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), join(into, target)), link);
    }
  }
}

/** Writes `.changeset/<name>.md` bumping `bumps`. */
export function writeChangeset(dir: string, name: string, bumps: Record<string, Bump>, summary: string): void {
  const head = Object.entries(bumps)
    .map(([pkg, level]) => `"${pkg}": ${level}`)
    .join('\n');
  writeFileSync(join(dir, '.changeset', `${name}.md`), `---\n${head}\n---\n\n${summary}\n`);
}

/** Finds the inconsistencies of a versioning result (see the file comment). */
export function versioningFindings(versions: ReadonlyMap<string, [string, string]>, ranges: ReadonlyMap<string, Record<string, string>>): Finding[] {
  const out: Finding[] = [];
  for (const [name, deps] of ranges) {
    const [before, after] = versions.get(name)!;
    if (semver.lt(after, before)) out.push({ level: 'error', message: `${name} goes down from ${before} to ${after}` });
    for (const [dep, range] of Object.entries(deps)) {
      const v = versions.get(dep);
      if (!v) continue;
      if (!semver.satisfies(v[1], range))
        out.push({ level: 'error', message: `${name} ${after} depends on ${dep} '${range}', which does not accept ${dep} ${v[1]}` });
      if (v[0] !== v[1] && before === after)
        out.push({
          level: 'error',
          message: `${name} stays ${before} while its dependency ${dep} goes ${v[0]} → ${v[1]}: it would be published depending on the old ${dep}`,
        });
    }
  }
  return out;
}

/**
 * Runs one scenario in `work` (a scratch folder outside the workspace).
 * @param changesetBin the workspace's `changeset` executable
 */
export function versionDryRun(root: string, work: string, scenario: VersionScenario, changesetBin: string): VersionOutcome {
  const t0 = performance.now();
  copyForVersioning(root, work);
  if (scenario.pending === false) {
    for (const f of readdirSync(join(work, '.changeset'))) if (f.endsWith('.md') && f !== 'README.md') rmSync(join(work, '.changeset', f));
  }
  if (scenario.extra) writeChangeset(work, `pack-check-${scenario.name.replace(/\W+/g, '-')}`, scenario.extra, `pack-check scenario: ${scenario.name}`);
  const before = new Map(publicPackages(work).map((p) => [p.name, p.version]));
  execOk(changesetBin, ['version'], { cwd: work, timeoutMs: 120_000 });
  const versions = new Map<string, [string, string]>();
  const ranges = new Map<string, Record<string, string>>();
  const tarballs = join(work, '.tarballs');
  mkdirSync(tarballs, { recursive: true });
  const after = publicPackages(work);
  const names = new Set(after.map((p) => p.name));
  for (const p of after) {
    versions.set(p.name, [before.get(p.name)!, p.version]);
    const r = execOk('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(work, p.dir), timeoutMs: 120_000 });
    const tgz = r.stdout
      .trim()
      .split('\n')
      .reverse()
      .find((l) => l.trim().endsWith('.tgz'))
      ?.trim();
    if (!tgz) throw new Error(`pnpm pack in ${p.dir} printed no tarball path:\n${r.stdout}`);
    const packed = unpack(tgz, join(tarballs, p.dir.replace('/', '-')));
    const deps: Record<string, string> = {};
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const [dep, range] of Object.entries((packed.manifest[field] ?? {}) as Record<string, string>)) if (names.has(dep)) deps[dep] = range;
    }
    ranges.set(p.name, deps);
  }
  return { scenario: scenario.name, versions, ranges, findings: versioningFindings(versions, ranges), seconds: (performance.now() - t0) / 1000 };
}
