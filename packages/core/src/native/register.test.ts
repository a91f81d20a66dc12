import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireNativeBackend } from '../../test/native.js';
import { initBackend } from '../backend.js';
import { TransformerBlock } from '../layers/transformer-block.js';
import { Rng } from '@ecamp/io/rng';
import { tf } from '../tf.js';
import { NATIVE_KERNELS } from './register.js';

describe('the native backend', () => {
  requireNativeBackend();

  it('has every wasm kernel, plus its own', () => {
    const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
    const native = new Set(tf.getKernelsForBackend('native').map((k) => k.kernelName));
    for (const name of wasm) expect(native.has(name), name).toBe(true);
    for (const k of NATIVE_KERNELS) expect(native.has(k.kernelName), k.kernelName).toBe(true);
    expect(native.size).toBe(new Set([...wasm, ...NATIVE_KERNELS.map((k) => k.kernelName)]).size);
  });

  it.each(['to-native', 'to-wasm'])('moves inputs made on another backend before a kernel holds the heap (%s, a fresh heap grows)', (direction) => {
    const script = fileURLToPath(new URL('../../test/scripts/cross-backend.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script, direction], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toMatch(/outside the|detached/);
    expect(r.stdout.trim()).toBe('ok');
  });

  it('gives the same results for a model made on wasm and run on native', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const block = new TransformerBlock(64, 4, { rng: new Rng(5) }); // parameters on wasm
    const x = tf.randomNormal([4, 50, 64], 0, 1, 'float32', 2);
    const ref = tf.tidy(() => Array.from(block.forward(x).dataSync()));
    await initBackend({ backend: 'native', quiet: true });
    // Grow the native heap first, so moving the parameters must grow it again mid-kernel.
    const ballast = tf.zeros([64 * 1024 * 1024]);
    const { grads } = tf.variableGrads(() => tf.sum(block.forward(x)) as tf.Scalar, block.parameters());
    const out = tf.tidy(() => Array.from(block.forward(x).dataSync()));
    expect(Math.max(...out.map((v, i) => Math.abs(v - ref[i])))).toBeLessThan(1e-4);
    expect(Object.keys(grads).length).toBe(12);
    tf.dispose([ballast, x, ...Object.values(grads)]);
    block.dispose();
  });
});
