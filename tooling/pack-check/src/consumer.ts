/**
 * A fresh npm project outside the workspace that installs one packed package (its @ecamp
 * dependencies resolved to the other packed tarballs through `overrides`, everything else from
 * the npm registry), then typechecks and runs the README's example against what was installed.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, tail, type ExecResult } from './exec.js';
import type { Finding } from './manifest.js';

/** package.json of the consumer project. */
export function consumerManifest(name: string, tarballs: ReadonlyMap<string, string>): Record<string, unknown> {
  const tarball = tarballs.get(name);
  if (!tarball) throw new Error(`consumerManifest: no tarball for ${name}`);
  const overrides = Object.fromEntries([...tarballs].filter(([n]) => n !== name).map(([n, t]) => [n, `file:${t}`]));
  return {
    name: `pack-check-${name.replace(/\W+/g, '-').replace(/^-/, '')}`,
    version: '0.0.0',
    private: true,
    type: 'module',
    dependencies: { [name]: `file:${tarball}` },
    overrides,
  };
}

/** tsconfig.json of the consumer: strict ESM, compiling example.ts to out/. */
export function consumerTsconfig(resolution: 'NodeNext' | 'Bundler', typeRoots: readonly string[]): Record<string, unknown> {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
      moduleResolution: resolution,
      strict: true,
      skipLibCheck: true,
      outDir: 'out',
      types: ['node'],
      typeRoots: [...typeRoots],
      noEmit: resolution !== 'NodeNext',
    },
    files: ['example.ts'],
  };
}

/** Writes the consumer project into `dir`. */
export function writeConsumer(dir: string, name: string, tarballs: ReadonlyMap<string, string>, example: string, typeRoots: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(consumerManifest(name, tarballs), null, 2)}\n`);
  writeFileSync(join(dir, 'example.ts'), example);
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(consumerTsconfig('NodeNext', typeRoots), null, 2)}\n`);
  writeFileSync(join(dir, 'tsconfig.bundler.json'), `${JSON.stringify(consumerTsconfig('Bundler', typeRoots), null, 2)}\n`);
}

/** `npm install` in the consumer (no audit, no funding notes). */
export function npmInstall(dir: string, env: NodeJS.ProcessEnv, timeoutMs = 900_000): ExecResult {
  return exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: dir, env, timeoutMs });
}

/** Every installed copy of `pkg` under `dir/node_modules` (nested ones too). */
export function installedCopies(dir: string, pkg: string): string[] {
  const out: string[] = [];
  const walk = (nm: string) => {
    if (!existsSync(nm)) return;
    const here = join(nm, pkg, 'package.json');
    if (existsSync(here)) out.push(join(nm, pkg));
    for (const e of readdirSync(nm)) {
      if (e.startsWith('.')) continue;
      const scoped = e.startsWith('@') ? readdirSync(join(nm, e)).map((s) => join(nm, e, s)) : [join(nm, e)];
      // Links (into a workspace, say) are reported elsewhere, not walked.
      for (const d of scoped)
        if (!lstatSync(d).isSymbolicLink() && existsSync(join(d, 'node_modules')) && statSync(join(d, 'node_modules')).isDirectory())
          walk(join(d, 'node_modules'));
    }
  };
  walk(join(dir, 'node_modules'));
  return out;
}

/** How @ecamp/native ended up in a consumer. */
export type NativeState = { state: 'built' } | { state: 'unavailable'; reason: string } | { state: 'absent' };

/** Whether the optional native addon was built at install, gave up (with its reason), or is not installed. */
export function nativeState(dir: string): NativeState {
  const root = join(dir, 'node_modules', '@ecamp', 'native');
  if (!existsSync(root)) return { state: 'absent' };
  if (existsSync(join(root, 'build', 'ecamp_native.node'))) return { state: 'built' };
  const why = join(root, 'build', 'unavailable.json');
  if (existsSync(why)) {
    try {
      return { state: 'unavailable', reason: String((JSON.parse(readFileSync(why, 'utf8')) as { reason?: unknown }).reason) };
    } catch {
      return { state: 'unavailable', reason: 'unavailable.json unreadable' };
    }
  }
  return { state: 'unavailable', reason: 'its install script did not run (npm install-scripts approval?)' };
}

/** What {@link inspectInstall} found besides the findings. */
export interface InstallFacts {
  /** @ecamp packages installed, with versions. */
  ecamp: string[];
  /** Copies of @tensorflow/tfjs-core (more than one = two engines). */
  tfjsCore: number;
  native: NativeState;
}

/**
 * Checks an installed consumer: every @ecamp package came from its tarball (right version, a real
 * folder, not a link into the workspace, no `workspace:` in its manifest, no workspace path in its
 * files), one copy of @ecamp/core and of TF.js, and no optional peer installed.
 */
export function inspectInstall(
  dir: string,
  expected: ReadonlyMap<string, string>,
  repoRoot: string,
  optionalPeers: readonly string[],
): { findings: Finding[]; facts: InstallFacts } {
  const findings: Finding[] = [];
  const err = (message: string) => findings.push({ level: 'error', message });
  const scope = join(dir, 'node_modules', '@ecamp');
  const ecamp: string[] = [];
  for (const e of existsSync(scope) ? readdirSync(scope) : []) {
    const name = `@ecamp/${e}`;
    const path = join(scope, e);
    if (lstatSync(path).isSymbolicLink() || realpathSync(path).startsWith(repoRoot))
      err(`${name} is installed as a link to ${realpathSync(path)}, not from its tarball`);
    const m = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Record<string, unknown>;
    ecamp.push(`${name}@${String(m.version)}`);
    if (expected.has(name) && expected.get(name) !== m.version)
      err(`${name} ${String(m.version)} is installed, not the packed ${expected.get(name)} (the registry's?)`);
    if (!expected.has(name)) err(`${name} ${String(m.version)} was installed from the registry, not from a packed tarball`);
    if (JSON.stringify(m).includes('workspace:')) err(`${name}'s installed package.json still has a workspace: range`);
    const stack = [path];
    while (stack.length) {
      const d = stack.pop()!;
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (f === 'node_modules') continue;
        if (statSync(p).isDirectory()) stack.push(p);
        else if (/\.(js|d\.ts|json|map)$/.test(f) && readFileSync(p, 'utf8').includes(repoRoot))
          err(`${name}: ${p.slice(path.length + 1)} contains the workspace path ${repoRoot}`);
      }
    }
  }
  const cores = installedCopies(dir, '@ecamp/core');
  if (cores.length > 1) err(`${cores.length} copies of @ecamp/core are installed (${cores.join(', ')})`);
  const tfjs = installedCopies(dir, '@tensorflow/tfjs-core');
  if (tfjs.length > 1) err(`${tfjs.length} copies of @tensorflow/tfjs-core are installed: two TF.js engines`);
  for (const peer of optionalPeers) if (installedCopies(dir, peer).length) err(`the optional peer ${peer} was installed although nothing asked for it`);
  return { findings, facts: { ecamp: ecamp.sort(), tfjsCore: tfjs.length, native: nativeState(dir) } };
}

/** Outcome of {@link typecheckAndRun}. */
export interface ExampleRun {
  typesNodeNext: ExecResult;
  typesBundler: ExecResult;
  run?: ExecResult;
  /** Expected `// prints:` texts missing from stdout. */
  missing: string[];
}

/** Typechecks the example under NodeNext and Bundler resolution, compiles it, runs it, and compares its output. */
export function typecheckAndRun(dir: string, tsc: string, expected: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000): ExampleRun {
  const typesNodeNext = exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, env, timeoutMs });
  const typesBundler = exec(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], { cwd: dir, env, timeoutMs });
  if (typesNodeNext.status !== 0 || !existsSync(join(dir, 'out', 'example.js'))) return { typesNodeNext, typesBundler, missing: [...expected] };
  const run = exec(process.execPath, [join('out', 'example.js')], { cwd: dir, env, timeoutMs });
  return { typesNodeNext, typesBundler, run, missing: expected.filter((e) => !run.stdout.includes(e)) };
}

/** Findings of an example run (type errors, a failed run, output not as documented). */
export function exampleFindings(r: ExampleRun): Finding[] {
  const out: Finding[] = [];
  if (r.typesNodeNext.status !== 0)
    out.push({ level: 'error', message: `the example does not typecheck (moduleResolution NodeNext):\n${tail(r.typesNodeNext, 15)}` });
  if (r.typesBundler.status !== 0)
    out.push({ level: 'error', message: `the example does not typecheck (moduleResolution Bundler):\n${tail(r.typesBundler, 15)}` });
  if (r.run && (r.run.status !== 0 || r.run.error))
    out.push({ level: 'error', message: `the example fails (${r.run.error ?? `exit ${r.run.status}`}):\n${tail(r.run, 15)}` });
  else if (r.run && r.missing.length)
    out.push({
      level: 'error',
      message: `the example's output lacks ${r.missing.map((m) => JSON.stringify(m)).join(', ')}; it printed:\n${r.run.stdout.trim()}`,
    });
  return out;
}
