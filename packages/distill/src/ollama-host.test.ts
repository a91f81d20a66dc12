import { describe, expect, it } from 'vitest';
import { startTestOllama } from '../test/ollama-test-server.js';
import { createOllamaClient, parseHostSpec, probeHost } from './ollama-host.js';

describe('parseHostSpec', () => {
  it('parses URL and parallel slots', () => {
    expect(parseHostSpec('http://gpu1:11434=4')).toEqual({ url: 'http://gpu1:11434', parallel: 4 });
    expect(parseHostSpec('gpu2:11434/')).toEqual({ url: 'http://gpu2:11434', parallel: 1 });
    expect(() => parseHostSpec('=3')).toThrow('empty URL');
    expect(() => parseHostSpec('http://x=0')).toThrow('parallel');
  });
});

describe('createOllamaClient / probeHost', () => {
  it('probes version and model list, and times requests out', async () => {
    const server = await startTestOllama(() => ({ kind: 'hang' }), ['llama3:latest']);
    try {
      const client = createOllamaClient(server.url, 10_000);
      expect(await probeHost(client, 'llama3')).toEqual({ ok: true, version: '0.0.0-test' });
      expect(await probeHost(client, 'qwen')).toMatchObject({ ok: false, reason: expect.stringContaining('not pulled') });
      const impatient = createOllamaClient(server.url, 300);
      const t0 = Date.now();
      await expect(impatient.chat({ model: 'llama3', messages: [] })).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await server.close();
    }
  });
  it('reports an unreachable host', async () => {
    const server = await startTestOllama(() => ({ kind: 'hang' }));
    const url = server.url;
    await server.close();
    expect(await probeHost(createOllamaClient(url, 1000), 'test-model')).toMatchObject({ ok: false });
  });
});
