import { describe, expect, it } from 'vitest';
import { startSilentServer, startTestOllama } from '../test/ollama-test-server.js';
import { createOllamaClient, fetchWithDeadline, pendingDeadlines, parseHostSpec, probeHost } from './ollama-host.js';

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

describe('fetchWithDeadline', () => {
  it('ends every request to a silent host by its deadline, whether it stalls before or after the headers', async () => {
    for (const headersOnly of [false, true]) {
      const silent = await startSilentServer({ headersOnly });
      try {
        const timed = fetchWithDeadline(200);
        const outcomes = await Promise.allSettled([timed(`${silent.url}/api/version`), timed(`${silent.url}/api/tags`)]);
        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
        expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.name)).toEqual(['TimeoutError', 'TimeoutError']);
        expect(pendingDeadlines()).toBe(0);
        // The probe of a silent host ends too (it fails instead of waiting forever).
        expect(await probeHost(createOllamaClient(silent.url, 200), 'test-model')).toMatchObject({ ok: false, reason: expect.stringContaining('200 ms') });
      } finally {
        await silent.close();
      }
    }
  });
  it('aborts with the run signal and releases its timer after a normal answer', async () => {
    const server = await startTestOllama(() => ({ kind: 'hang' }));
    const silent = await startSilentServer();
    try {
      const run = new AbortController();
      const timed = fetchWithDeadline(60_000, run.signal);
      const version = await timed(`${server.url}/api/version`);
      expect(await version.json()).toEqual({ version: '0.0.0-test' });
      expect(pendingDeadlines()).toBe(0);
      const hanging = timed(`${silent.url}/api/version`);
      expect(pendingDeadlines()).toBe(1);
      run.abort(new Error('stop'));
      await expect(hanging).rejects.toThrow('stop');
      expect(pendingDeadlines()).toBe(0);
    } finally {
      await server.close();
      await silent.close();
    }
  });
});
