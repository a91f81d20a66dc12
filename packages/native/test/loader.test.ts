import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADDON_PATH, loadNativeAddon } from '../src/index.js';

const script = resolve(import.meta.dirname, '..', 'scripts', 'build.mjs');

describe('loadNativeAddon', () => {
  afterEach(() => {
    delete process.env.ECAMP_NATIVE;
    delete process.env.ECAMP_NATIVE_THREADS;
  });

  it('loads the built addon and reports OpenBLAS and its thread count', (ctx) => {
    const r = loadNativeAddon();
    if (!r.ok) {
      expect(process.env.ECAMP_NATIVE_REQUIRED).not.toBe('1');
      console.warn(`[tests] addon not loaded: ${r.reason}`);
      ctx.skip();
      return;
    }
    expect(r.path).toBe(DEFAULT_ADDON_PATH);
    expect(r.info.blas).toBe('openblas');
    expect(r.info.blasConfig).toMatch(/OpenBLAS/);
    expect(r.info.threads).toBeGreaterThanOrEqual(1);
    expect(loadNativeAddon({ threads: 1 }).ok && loadNativeAddon().ok).toBe(true);
    expect((loadNativeAddon({ threads: 1 }) as { info: { threads: number } }).info.threads).toBe(1);
    expect((loadNativeAddon({ threads: 2 }) as { info: { threads: number } }).info.threads).toBe(2);
  });

  it('says why when disabled, not built, or the build failed; rejects bad thread counts', () => {
    process.env.ECAMP_NATIVE = '0';
    expect(loadNativeAddon()).toEqual({ ok: false, reason: 'disabled by ECAMP_NATIVE=0' });
    delete process.env.ECAMP_NATIVE;
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-native-'));
    const r = loadNativeAddon({ path: join(dir, 'ecamp_native.node') });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/addon not built \(.*ecamp_native\.node is missing/);
    writeFileSync(join(dir, 'unavailable.json'), JSON.stringify({ reason: 'OpenBLAS not found (Debian: apt-get install libopenblas-dev)' }));
    const r2 = loadNativeAddon({ path: join(dir, 'ecamp_native.node') });
    expect(!r2.ok && r2.reason).toBe('the native build failed: OpenBLAS not found (Debian: apt-get install libopenblas-dev)');
    writeFileSync(join(dir, 'broken.node'), 'not a shared object');
    const r3 = loadNativeAddon({ path: join(dir, 'broken.node') });
    expect(!r3.ok && r3.reason).toMatch(/the addon failed to load/);
    if (loadNativeAddon().ok) {
      process.env.ECAMP_NATIVE_THREADS = 'many';
      expect(() => loadNativeAddon()).toThrow(/ECAMP_NATIVE_THREADS/);
    }
  });

  it('refuses operands outside the heap instead of touching foreign memory', (ctx) => {
    const r = loadNativeAddon();
    if (!r.ok) return ctx.skip();
    const heap = new ArrayBuffer(64);
    expect(() => r.addon.gemm(heap, 0, 0, 1, 4, 4, 4, 1, 0, 0, 4, 0, 0, 4, 0, 32, 0, 4)).toThrow(
      /gemm: argument 15: 16 values at byte offset 32 fall outside the 64-byte heap/,
    );
    expect(() => r.addon.fill(heap, 4, 2, 0)).toThrow(/fill: argument 2/);
    expect(() => (r.addon.fill as unknown as (...a: unknown[]) => void)(heap, 4)).toThrow(/expected the heap and 3 numbers/);
    expect(() => r.addon.fill(new Float32Array(4) as unknown as ArrayBuffer, 4, 0, 0)).toThrow(/wasm heap's ArrayBuffer/);
    // In-range calls work on any ArrayBuffer: C = A·B of 2×2 matrices at offsets 0, 16, 32.
    const f = new Float32Array(heap);
    f.set([1, 2, 3, 4, 5, 6, 7, 8]);
    r.addon.gemm(heap, 0, 0, 1, 2, 2, 2, 1, 0, 0, 2, 16, 0, 2, 0, 32, 0, 2);
    expect(Array.from(f.subarray(8, 12))).toEqual([19, 22, 43, 50]);
  });
});

describe('scripts/build.mjs', () => {
  it('never fails the install without a compiler, says why, and fails under ECAMP_NATIVE_REQUIRED=1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-native-build-'));
    const env = { ...process.env, CC: '/nonexistent/cc', ECAMP_NATIVE_BUILD_DIR: dir, ECAMP_NATIVE_REQUIRED: '' };
    const r = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/not built: no C compiler .*will use the TF\.js wasm backend/);
    expect(JSON.parse(readFileSync(join(dir, 'unavailable.json'), 'utf8')).reason).toMatch(/no C compiler/);
    const strict = spawnSync(process.execPath, [script], { env: { ...env, ECAMP_NATIVE_REQUIRED: '1' }, encoding: 'utf8' });
    expect(strict.status).toBe(1);
  });

  it('builds into a fresh directory and skips an up-to-date build', (ctx) => {
    if (!loadNativeAddon().ok) return ctx.skip(); // no toolchain here
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-native-build-'));
    mkdirSync(dir, { recursive: true });
    const env = { ...process.env, ECAMP_NATIVE_BUILD_DIR: dir };
    const first = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
    expect(first.status).toBe(0);
    expect(existsSync(join(dir, 'ecamp_native.node'))).toBe(true);
    expect(existsSync(join(dir, 'unavailable.json'))).toBe(false);
    const again = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
    expect(again.stdout).toMatch(/up to date/);
    const loaded = loadNativeAddon({ path: join(dir, 'ecamp_native.node') });
    expect(loaded.ok).toBe(true);
  });
});
