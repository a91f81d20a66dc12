/**
 * `pnpm check:packages` — is every public package installable and usable alone?
 *
 * 1. builds the packages (turbo, cached) and packs each public one with `pnpm pack`;
 * 2. checks each tarball's manifest and files (workspace leftovers, entry points, leaked paths);
 * 3. dry-runs `changeset version` (the pending changesets; a patch of @ecamp/core alone) in a
 *    scratch copy and checks the inter-package ranges it would publish;
 * 4. for each package, in a fresh npm project outside the workspace: installs its tarball (the
 *    other @ecamp packages from their tarballs, the rest from the npm registry), checks what was
 *    installed, typechecks its README example (NodeNext and Bundler resolution), runs it and
 *    compares its output with the example's `// prints:` comments.
 *
 * @ecamp/core and @ecamp/native install with the C compiler (the native addon builds); every
 * other package installs with CC pointing nowhere, so @ecamp/native's build gives up and the
 * install must still succeed — the optional dependency stays optional.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exampleFindings, inspectInstall, npmInstall, typecheckAndRun, writeConsumer, type InstallFacts } from './consumer.js';
import { exec, execOk, tail } from './exec.js';
import { checkPackage, unpack, type Finding, type PackedPackage } from './manifest.js';
import { importsNotInstalled, readmeUsage, type ReadmeUsage } from './readme.js';
import { versionDryRun, type VersionOutcome, type VersionScenario } from './versioning.js';
import { publicPackages } from './workspace.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The workspace root (tooling/pack-check/src → ../../..). */
export const REPO_ROOT = resolve(here, '..', '..', '..');

/** Packages whose example comes from a file here instead of their README, and why (printed every run). */
export interface ExampleException {
  example: string;
  reason: string;
}

/** Reads exceptions.json. */
export function readExceptions(file = join(here, '..', 'exceptions.json')): Record<string, ExampleException> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('$'))) as Record<string, ExampleException>;
}

/** The result for one package. */
export interface PackageResult {
  name: string;
  version: string;
  tarball?: string;
  bytes?: number;
  files?: number;
  exampleFrom?: string;
  compiler?: boolean;
  installSeconds?: number;
  facts?: InstallFacts;
  runSeconds?: number;
  stdout?: string;
  findings: Finding[];
}

/** Options of {@link runCheck}. */
export interface CheckOptions {
  /** The workspace to check (default this repository). */
  root?: string;
  /** Versioning scenarios (default: the pending changesets; a patch of @ecamp/core alone). */
  scenarios?: VersionScenario[];
  /** Only these packages (short names: core, vision …) get installed and run; all are packed. */
  only?: string[];
  /** Keep the scratch folder. */
  keep?: boolean;
  /** Build first (default true). */
  build?: boolean;
  /** Install and run the examples (default true; false = pack, manifest and versioning only). */
  install?: boolean;
  log?: (line: string) => void;
}

/** Everything the check found. */
export interface CheckReport {
  packages: PackageResult[];
  versioning: VersionOutcome[];
  notes: string[];
  work: string;
  seconds: number;
  ok: boolean;
}

/** Environment of an install without a C compiler (the native addon must give up, not fail the install). */
export function noCompilerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, CC: '/nonexistent/pack-check-no-compiler' };
  delete out.ECAMP_NATIVE_REQUIRED;
  return out;
}

/** Runs the check (see the file comment). */
export async function runCheck(options: CheckOptions = {}): Promise<CheckReport> {
  const t0 = performance.now();
  const root = options.root ?? REPO_ROOT;
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const work = mkdtempSync(join(tmpdir(), 'ecamp-pack-check-'));
  const notes: string[] = [];
  const pkgs = publicPackages(root);
  const results = new Map<string, PackageResult>(pkgs.map((p) => [p.name, { name: p.name, version: p.version, findings: [] }]));
  const exceptions = readExceptions();
  try {
    if (options.build ?? true) {
      log('building the packages (turbo, cached) …');
      execOk('pnpm', ['turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], { cwd: root, timeoutMs: 1_200_000 });
    }
    // 1–2: pack and check
    const packed = new Map<string, PackedPackage>();
    for (const p of pkgs) {
      const r = results.get(p.name)!;
      const out = exec('pnpm', ['pack', '--pack-destination', join(work, 'tarballs')], { cwd: join(root, p.dir), timeoutMs: 300_000 });
      const tgz = out.stdout
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.trim().endsWith('.tgz'))
        ?.trim();
      if (out.status !== 0 || !tgz) {
        r.findings.push({ level: 'error', message: `pnpm pack failed:\n${tail(out)}` });
        continue;
      }
      const u = unpack(tgz, join(work, 'unpacked', p.dir.replace('/', '-')));
      packed.set(p.name, u);
      Object.assign(r, { tarball: tgz, bytes: readFileSync(tgz).length, files: u.files.length });
    }
    const siblings = new Map([...packed].map(([n, u]) => [n, u.version]));
    for (const [name, u] of packed) results.get(name)!.findings.push(...checkPackage(u, siblings, [root]));
    log(`packed ${packed.size} packages into ${join(work, 'tarballs')}`);

    // 3: versioning dry runs
    const scenarios: VersionScenario[] = options.scenarios ?? [
      { name: 'the pending changesets' },
      { name: 'a patch of @ecamp/core alone', pending: false, extra: { '@ecamp/core': 'patch' } },
    ];
    const versioning: VersionOutcome[] = [];
    for (const s of scenarios) {
      try {
        const v = versionDryRun(root, join(work, `versioning-${versioning.length}`), s, join(REPO_ROOT, 'node_modules', '.bin', 'changeset'));
        versioning.push(v);
        log(
          `changeset version (${s.name}): ${
            [...v.versions]
              .filter(([, [a, b]]) => a !== b)
              .map(([n, [a, b]]) => `${n} ${a}→${b}`)
              .join(', ') || 'no change'
          } (${v.seconds.toFixed(1)} s)`,
        );
      } catch (e) {
        versioning.push({
          scenario: s.name,
          versions: new Map(),
          ranges: new Map(),
          findings: [{ level: 'error', message: (e as Error).message }],
          seconds: 0,
        });
      }
    }

    // 4: install each alone, typecheck and run its example
    const tarballs = new Map([...packed].map(([n, u]) => [n, u.tarball]));
    const optionalPeers = [
      ...new Set(
        [...packed.values()].flatMap((u) =>
          Object.entries((u.manifest.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>)
            .filter(([, m]) => m.optional)
            .map(([n]) => n),
        ),
      ),
    ];
    const runEnv = { ...process.env };
    delete runEnv.ECAMP_BACKEND;
    delete runEnv.ECAMP_NATIVE;
    // The toolchain (TypeScript, Node's types, changesets) is this workspace's; the packages come from `root`.
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = [join(REPO_ROOT, 'node_modules', '@types')];
    for (const [name, u] of packed) {
      const short = name.replace('@ecamp/', '');
      if (options.only && !options.only.includes(short)) continue;
      if (options.install === false) continue;
      const r = results.get(name)!;
      // The example: the README's, unless an exception names a file (and says why).
      let usage: ReadmeUsage | undefined;
      let readmeProblem: string | undefined;
      try {
        usage = readmeUsage(readFileSync(join(u.dir, 'README.md'), 'utf8'), name, `${name}/README.md`);
        const deps = Object.keys({ ...((u.manifest.dependencies ?? {}) as object), ...((u.manifest.optionalDependencies ?? {}) as object) });
        const missing = importsNotInstalled(usage, deps);
        if (missing.length) readmeProblem = `${name}/README.md: its example imports ${missing.join(', ')}, which \`${usage.install}\` does not install`;
      } catch (e) {
        readmeProblem = (e as Error).message;
      }
      const exception = exceptions[name];
      let example: string;
      let expected: string[];
      if (exception) {
        notes.push(`${name}: example from tooling/pack-check/${exception.example} — ${exception.reason}${readmeProblem ? ` [${readmeProblem}]` : ''}`);
        if (readmeProblem) r.findings.push({ level: 'warning', message: readmeProblem });
        example = readFileSync(join(here, '..', exception.example), 'utf8');
        expected = [...example.matchAll(/\/\/\s*prints:\s*(.+?)\s*$/gm)].map((m) => m[1]);
        r.exampleFrom = `tooling/pack-check/${exception.example}`;
      } else if (readmeProblem || !usage) {
        r.findings.push({ level: 'error', message: readmeProblem ?? 'no README usage' });
        continue;
      } else {
        example = usage.example;
        expected = usage.expected;
        r.exampleFrom = 'README.md';
      }
      const dir = join(work, 'consumers', short);
      writeConsumer(dir, name, tarballs, example, typeRoots);
      r.compiler = name === '@ecamp/core' || name === '@ecamp/native';
      log(`${name}: npm install in ${dir} (${r.compiler ? 'with the C compiler' : 'without a C compiler'}) …`);
      const inst = npmInstall(dir, r.compiler ? process.env : noCompilerEnv(process.env));
      r.installSeconds = inst.seconds;
      if (inst.status !== 0 || inst.error) {
        r.findings.push({ level: 'error', message: `npm install failed (${inst.error ?? `exit ${inst.status}`}):\n${tail(inst, 30)}` });
        continue;
      }
      const { findings, facts } = inspectInstall(
        dir,
        siblings,
        root,
        optionalPeers.filter((p) => !Object.keys((u.manifest.dependencies ?? {}) as object).includes(p)),
      );
      r.facts = facts;
      r.findings.push(...findings);
      if (r.compiler && process.env.ECAMP_NATIVE_REQUIRED === '1' && facts.native.state !== 'built') {
        r.findings.push({
          level: 'error',
          message: `ECAMP_NATIVE_REQUIRED=1 but @ecamp/native was not built at install: ${facts.native.state === 'unavailable' ? facts.native.reason : 'not installed'}`,
        });
      }
      if (!r.compiler && facts.native.state === 'built')
        r.findings.push({ level: 'error', message: '@ecamp/native was built although no C compiler was available' });
      const ran = typecheckAndRun(dir, tsc, expected, runEnv);
      r.runSeconds = ran.run?.seconds;
      r.stdout = ran.run?.stdout;
      r.findings.push(...exampleFindings(ran));
      const backendLine = /backend: (\w+)/.exec(ran.run?.stdout ?? '');
      if (backendLine) {
        const want = facts.native.state === 'built' ? 'native' : 'wasm';
        if (backendLine[1] !== want)
          r.findings.push({ level: 'error', message: `the example ran on ${backendLine[1]}, expected ${want} (@ecamp/native ${facts.native.state})` });
      }
      const bins = typeof u.manifest.bin === 'string' ? [name.split('/').pop()!] : Object.keys((u.manifest.bin ?? {}) as object);
      for (const bin of bins) {
        const b = exec(join(dir, 'node_modules', '.bin', bin), ['--help'], { cwd: dir, env: runEnv, timeoutMs: 120_000 });
        if (b.status !== 0) r.findings.push({ level: 'error', message: `${bin} --help fails (${b.error ?? `exit ${b.status}`}):\n${tail(b, 10)}` });
      }
      const errs = r.findings.filter((f) => f.level === 'error').length;
      log(`${name}: installed in ${inst.seconds.toFixed(1)} s, native ${facts.native.state}; example ${errs ? `FAILED (${errs} error(s))` : 'ok'}`);
    }
    const all = [...results.values()];
    const ok = all.every((r) => r.findings.every((f) => f.level !== 'error')) && versioning.every((v) => v.findings.every((f) => f.level !== 'error'));
    return { packages: all, versioning, notes, work, seconds: (performance.now() - t0) / 1000, ok };
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

/** The report as Markdown (printed at the end and written next to the JSON). */
export function formatReport(r: CheckReport): string {
  const mark = (p: PackageResult) => (p.findings.some((f) => f.level === 'error') ? 'FAIL' : 'ok');
  const lines = [
    `# Package check: ${r.ok ? 'passed' : 'FAILED'} (${r.seconds.toFixed(0)} s)`,
    '',
    '| package | result | tarball | install | native addon | example | run | warnings |',
    '|---|---|---|---|---|---|---|---|',
    ...r.packages.map((p) => {
      const native = p.facts ? (p.facts.native.state === 'unavailable' ? `not built (${p.facts.native.reason.slice(0, 40)}…)` : p.facts.native.state) : '–';
      return `| ${p.name}@${p.version} | ${mark(p)} | ${p.bytes ? `${(p.bytes / 1024).toFixed(0)} kB, ${p.files} files` : '–'} | ${p.installSeconds !== undefined ? `${p.installSeconds.toFixed(0)} s${p.compiler ? ' (C compiler)' : ' (no C compiler)'}` : '–'} | ${native} | ${p.exampleFrom ?? '–'} | ${p.runSeconds !== undefined ? `${p.runSeconds.toFixed(1)} s` : '–'} | ${p.findings.filter((f) => f.level === 'warning').length} |`;
    }),
    '',
    '## Versioning (changeset version, dry run)',
    ...r.versioning.flatMap((v) => [
      '',
      `- ${v.scenario}: ${[...v.versions].map(([n, [a, b]]) => `${n} ${a === b ? a : `${a} → ${b}`}`).join(', ')}`,
      ...[...v.ranges]
        .filter(([, d]) => Object.keys(d).length)
        .map(
          ([n, d]) =>
            `  - ${n} packs ${Object.entries(d)
              .map(([k, x]) => `${k} ${x}`)
              .join(', ')}`,
        ),
      ...v.findings.map((f) => `  - ${f.level.toUpperCase()}: ${f.message}`),
    ]),
    '',
    '## Findings',
    ...r.packages.flatMap((p) => p.findings.map((f) => `- ${f.level.toUpperCase()} ${p.name}: ${f.message.replace(/\n/g, '\n  ')}`)),
    ...(r.notes.length ? ['', '## Notes', ...r.notes.map((n) => `- ${n}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

const HELP = `Usage: pnpm check:packages [options]

Packs every public @ecamp package, checks the tarballs, dry-runs changesets versioning, and
installs each package alone in a fresh npm project outside the workspace to typecheck and run
its README example. Needs the npm registry. Exit code 1 when anything fails.

Options:
  --only core,vision   install and run only these (all are still packed and checked)
  --no-install         pack, manifest and versioning checks only
  --no-build           do not run the (cached) build first
  --keep               keep the scratch folder (its path is printed)
  --out <dir>          where pack-check.md and .json go (default tooling/pack-check/test-output)`;

/** The command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'no-install': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      keep: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const report = await runCheck({
    only: values.only?.split(',').filter(Boolean),
    install: !values['no-install'],
    build: !values['no-build'],
    keep: values.keep,
  });
  const out = values.out ?? join(here, '..', 'test-output');
  mkdirSync(out, { recursive: true });
  const md = formatReport(report);
  writeFileSync(join(out, 'pack-check.md'), md);
  writeFileSync(
    join(out, 'pack-check.json'),
    `${JSON.stringify({ ...report, versioning: report.versioning.map((v) => ({ ...v, versions: Object.fromEntries(v.versions), ranges: Object.fromEntries(v.ranges) })) }, null, 2)}\n`,
  );
  process.stdout.write(`\n${md}\nreport: ${join(out, 'pack-check.md')}${values.keep ? `\nscratch folder kept: ${report.work}` : ''}\n`);
  return report.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`pack-check: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
