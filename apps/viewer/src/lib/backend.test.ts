/**
 * Backend choice outside a browser (Node has no WebGPU and no WebGL): the refusals are recorded
 * with their reasons and the choice falls down the order. The browser tests (src/main.test.ts)
 * cover webgl, wasm and cpu in Chromium.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '@ecamp/core';
import { BACKEND_ORDER, selectBackend } from './backend.js';

describe('selectBackend', () => {
  it('falls back past backends this environment lacks, saying why', async () => {
    const choice = await selectBackend('auto');
    expect(BACKEND_ORDER).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(choice.refused[0]).toEqual({ backend: 'webgpu', reason: 'this browser has no WebGPU (navigator.gpu is missing)' });
    expect(choice.refused[1].backend).toBe('webgl');
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe(choice.backend);
    expect(choice.webglFloat32).toBeUndefined();
  });

  it('starts from the preference and rejects unknown names', async () => {
    const cpu = await selectBackend('cpu');
    expect(cpu).toEqual({ backend: 'cpu', refused: [] });
    expect(tf.getBackend()).toBe('cpu');
    await expect(selectBackend('tpu' as 'cpu')).rejects.toThrow(/unknown backend 'tpu' \(expected auto, webgpu, webgl, wasm, cpu\)/);
  });
});
