/**
 * Once per `vitest run`: builds the page with Vite, runs a short `ecamp pretrain` of the tiny
 * preset for a real checkpoint, writes synthetic radiographs, and serves the build over HTTP.
 * Everything lands in test-output/ (gitignored), which CI keeps as an artefact.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { synthesizeSample } from '@ecamp/data';
import type { ViewerFixtures } from './fixtures.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(appDir, 'test-output');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** A static file server for `root` on 127.0.0.1 (any free port). */
export async function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(root, path);
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end(`not found: ${path}`);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function timed<T>(seconds: Record<string, number>, what: string, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  seconds[what] = (performance.now() - t0) / 1000;
  return r;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const seconds: Record<string, number> = {};
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'images'), { recursive: true });

  let t0 = performance.now();
  await build({ root: appDir, logLevel: 'warn', build: { outDir: join(outDir, 'dist'), emptyOutDir: true } });
  seconds.build = (performance.now() - t0) / 1000;

  // A real checkpoint of the tiny preset: two pre-training steps through the trainer's CLI.
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('@ecamp/trainer/package.json')), 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`viewer tests: ${cli} is missing — build the trainer first (pnpm build; turbo does it before tests)`);
  const runs = join(outDir, 'runs');
  const args = [
    'pretrain',
    '-c',
    'tiny',
    '--set',
    'optim.steps=2',
    '--set',
    'optim.warmupSteps=1',
    '--set',
    'data.syntheticCount=16',
    '--set',
    `outDir=${JSON.stringify(runs)}`,
    '--set',
    'name=tiny-viewer',
    '--set',
    'log.pictureEvery=1000',
  ];
  const r = timed(seconds, 'pretrain', () => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 600_000 }));
  writeFileSync(join(outDir, 'pretrain.log'), `${r.stdout}\n${r.stderr}`);
  if (r.status !== 0)
    throw new Error(
      `viewer tests: 'ecamp ${args.join(' ')}' failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}); log in ${join(outDir, 'pretrain.log')}:\n${r.stderr.slice(-3000)}`,
    );
  const ck = join(runs, 'tiny-viewer', 'checkpoints');

  t0 = performance.now();
  const s = synthesizeSample(0, 5, { size: 448 });
  const small = new Uint8Array(224 * 224);
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) {
      const i = 2 * y * 448 + 2 * x;
      small[y * 224 + x] = Math.round((s.image[i] + s.image[i + 1] + s.image[i + 448] + s.image[i + 449]) / 4);
    }
  }
  const image224 = join(outDir, 'images', 'synthetic-224.png');
  const image448 = join(outDir, 'images', 'synthetic-448.png');
  await sharp(Buffer.from(small), { raw: { width: 224, height: 224, channels: 1 } })
    .png()
    .toFile(image224);
  await sharp(Buffer.from(s.image), { raw: { width: 448, height: 448, channels: 1 } })
    .png()
    .toFile(image448);
  seconds.images = (performance.now() - t0) / 1000;

  const { server, url } = await serveStatic(join(outDir, 'dist'));
  const fixtures: ViewerFixtures = {
    url,
    outDir,
    encoder: join(ck, 'encoder.safetensors'),
    pretrain: join(ck, 'pretrain.safetensors'),
    runDir: join(runs, 'tiny-viewer'),
    image224,
    image448,
    seconds,
  };
  console.log(
    `[viewer tests] page built in ${seconds.build.toFixed(1)} s, tiny checkpoint (2 steps) in ${seconds.pretrain.toFixed(1)} s; serving ${url}; artefacts in ${outDir}`,
  );
  project.provide('viewer', fixtures);
  return () => new Promise<void>((ok) => server.close(() => ok()));
}
