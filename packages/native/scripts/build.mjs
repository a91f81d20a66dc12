#!/usr/bin/env node
/**
 * Builds the native addon build/ecamp_native.node from csrc/*.c with the system C compiler,
 * OpenMP and OpenBLAS (Debian: `apt-get install build-essential libopenblas-dev`). No network:
 * Node's own headers are taken from the installed Node (or npm_config_nodedir).
 *
 *   node scripts/build.mjs [--force]      (ECAMP_NATIVE_BUILD_DIR=<dir> to build elsewhere)
 *
 * Never fails the install: when the compiler, the headers or OpenBLAS are missing it writes
 * build/unavailable.json with the reason (which `loadNativeAddon` reports) and exits 0, so
 * @ecamp/core falls back to the TF.js wasm backend. Set ECAMP_NATIVE_REQUIRED=1 to make a
 * failed build an error (CI does, so a broken native build cannot pass unnoticed).
 * Skips the compile when build/stamp.json matches the sources, compiler and flags.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const csrc = join(root, 'csrc');
// ECAMP_NATIVE_BUILD_DIR: build elsewhere (tests of this script use it).
const buildDir = process.env.ECAMP_NATIVE_BUILD_DIR ? resolve(process.env.ECAMP_NATIVE_BUILD_DIR) : join(root, 'build');
const target = join(buildDir, 'ecamp_native.node');
const stampPath = join(buildDir, 'stamp.json');
const unavailablePath = join(buildDir, 'unavailable.json');
const force = process.argv.includes('--force');
const required = process.env.ECAMP_NATIVE_REQUIRED === '1';

function writeAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

function giveUp(reason, log = '') {
  mkdirSync(buildDir, { recursive: true });
  rmSync(target, { force: true });
  rmSync(stampPath, { force: true });
  writeAtomic(unavailablePath, JSON.stringify({ reason, log: log.slice(-4000), date: new Date().toISOString() }, null, 2) + '\n');
  const line = `[@ecamp/native] not built: ${reason}. ECAMP.ts will use the TF.js wasm backend.`;
  if (required) {
    console.error(`${line}\n${log}`);
    console.error('[@ecamp/native] ECAMP_NATIVE_REQUIRED=1: failing the build.');
    process.exit(1);
  }
  console.warn(line);
  process.exit(0);
}

if (process.platform === 'win32') giveUp('Windows is not supported by the native build (use WSL)');

const cc = process.env.CC || 'cc';
const probeCc = spawnSync(cc, ['--version'], { encoding: 'utf8' });
if (probeCc.status !== 0) giveUp(`no C compiler ('${cc} --version' failed; Debian: apt-get install build-essential)`);

const nodeIncludeCandidates = [
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  join(dirname(process.execPath), '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter(Boolean);
const nodeInclude = nodeIncludeCandidates.find((d) => existsSync(join(d, 'node_api.h')));
if (!nodeInclude) giveUp(`Node's headers (node_api.h) not found in ${nodeIncludeCandidates.join(', ')}`);

const sources = readdirSync(csrc).filter((f) => f.endsWith('.c')).sort().map((f) => join(csrc, f));
const headers = readdirSync(csrc).filter((f) => f.endsWith('.h')).sort().map((f) => join(csrc, f));

// -march=native: the addon is built on the machine that runs it (install time).
const archFlags = spawnSync(cc, ['-march=native', '-E', '-x', 'c', '/dev/null'], { encoding: 'utf8' }).status === 0 ? ['-march=native'] : [];
const blasInclude = ['/usr/include/openblas', '/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/include/x86_64-linux-gnu/openblas-openmp'].filter((d) =>
  existsSync(join(d, 'cblas.h')),
);
const flags = [
  // No FMA contraction: element-wise kernels round like TF.js's separate multiply and add.
  '-O3', '-std=gnu11', '-fPIC', '-shared', '-fopenmp-simd', '-pthread', '-fno-math-errno', '-ffp-contract=off', ...archFlags,
  '-Wall', '-Wextra', '-Wno-unused-parameter', `-I${nodeInclude}`, ...blasInclude.map((d) => `-I${d}`),
];
const libs = ['-lopenblas', '-lm'];
if (process.platform === 'darwin') flags.push('-undefined', 'dynamic_lookup');

const hash = createHash('sha256');
for (const f of [...sources, ...headers]) hash.update(f).update(readFileSync(f));
hash.update(JSON.stringify({ cc, version: probeCc.stdout.split('\n')[0], flags, libs, node: process.versions.napi }));
const digest = hash.digest('hex');
if (!force && existsSync(target) && existsSync(stampPath)) {
  try {
    if (JSON.parse(readFileSync(stampPath, 'utf8')).digest === digest) {
      console.log('[@ecamp/native] up to date');
      process.exit(0);
    }
  } catch {
    // A torn stamp: rebuild.
  }
}

mkdirSync(buildDir, { recursive: true });
const tmpOut = join(buildDir, `ecamp_native.node.tmp-${process.pid}`);
const t0 = Date.now();
const r = spawnSync(cc, [...flags, '-o', tmpOut, ...sources, ...libs], { encoding: 'utf8' });
if (r.status !== 0) {
  rmSync(tmpOut, { force: true });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const missingBlas = /cblas\.h|-lopenblas|openblas/i.test(log);
  giveUp(missingBlas ? 'OpenBLAS not found (Debian: apt-get install libopenblas-dev)' : `the C compiler failed (${cc})`, log);
}
if (r.stderr.trim()) process.stderr.write(r.stderr);
renameSync(tmpOut, target);
rmSync(unavailablePath, { force: true });
writeAtomic(stampPath, JSON.stringify({ digest, cc, flags, libs, date: new Date().toISOString() }, null, 2) + '\n');
console.log(`[@ecamp/native] built ${target} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${archFlags.join(' ') || 'generic'}, OpenBLAS)`);
