import { afterEach, describe, expect, it, vi } from 'vitest';
import { initBackend } from './backend.js';
import { tf } from './tf.js';

describe('initBackend', () => {
  afterEach(() => {
    delete process.env.ECAMP_BACKEND;
    vi.restoreAllMocks();
  });

  it('selects cpu and wasm (SIMD) and prints one line', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const cpu = await initBackend({ backend: 'cpu' });
    expect(cpu.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initBackend({ backend: 'wasm' });
    expect(wasm.backend).toBe('wasm');
    expect(wasm.simd).toBe(true);
    expect(wasm.threads).toBeGreaterThanOrEqual(1);
    expect(log).toHaveBeenCalledTimes(2);
    expect(String(log.mock.calls[1][0])).toMatch(/backend=wasm simd=true threads=\d/);
  });

  it('reads ECAMP_BACKEND when no backend is given, and rejects unknown names', async () => {
    process.env.ECAMP_BACKEND = 'cpu';
    expect((await initBackend({ quiet: true })).backend).toBe('cpu');
    process.env.ECAMP_BACKEND = 'tpu';
    await expect(initBackend({ quiet: true })).rejects.toThrow(/ECAMP_BACKEND='tpu'/);
  });

  it('falls back from tensorflow to wasm and says why for both native packages', async () => {
    const info = await initBackend({ backend: 'tensorflow', quiet: true });
    expect(info.requested).toBe('tensorflow');
    expect(info.backend).toBe('wasm');
    expect(info.fallbackReason).toMatch(/@tensorflow\/tfjs-node-gpu/);
    expect(info.fallbackReason).toMatch(/@tensorflow\/tfjs-node:/);
    expect(info.fallbackReason).toMatch(/using wasm/);
  });

  it('falls back from webgpu to wasm with a reason', async () => {
    const info = await initBackend({ backend: 'webgpu', quiet: true });
    // In Node there is no navigator.gpu: either the import or the initialisation fails.
    expect(info.backend).toBe('wasm');
    expect(info.fallbackReason).toMatch(/webgpu/);
  });

  it('gives a set-up tf: chained ops and gradients work', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const x = tf.tensor1d([1, 2, 3]);
    expect(x.sum().dataSync()[0]).toBe(6);
    expect(Array.from(tf.grad((v: tf.Tensor) => v.square().sum())(x).dataSync())).toEqual([2, 4, 6]);
  });
});
