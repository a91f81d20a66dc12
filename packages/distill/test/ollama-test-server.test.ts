import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestOllamaServer, answerWith, startSilentServer, startTestOllama } from './ollama-test-server.js';

let server: TestOllamaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('test Ollama server', () => {
  it('speaks the protocol the real client expects', async () => {
    server = await startTestOllama(() => ({ kind: 'content', content: answerWith('mass') }), ['m1']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new Ollama({ host: server.url });
    expect((await client.version()).version).toBe('0.0.0-test');
    expect((await client.list()).models.map((m) => m.name)).toEqual(['m1']);
    const r = await client.chat({ model: 'm1', messages: [{ role: 'user', content: 'Report:\nA mass.' }] });
    expect(JSON.parse(r.message.content).entities[0].entity).toBe('mass');
    expect(server.chats[0].report).toBe('A mass.');
  });
  it('answers scripted errors and drops', async () => {
    server = await startTestOllama((_r, n) => (n === 0 ? { kind: 'status', status: 503 } : { kind: 'drop' }));
    const client = new Ollama({ host: server.url });
    await expect(client.chat({ model: 'test-model', messages: [] })).rejects.toMatchObject({ status_code: 503 });
    await expect(client.chat({ model: 'test-model', messages: [] })).rejects.toThrow();
  });
});

describe('silent server', () => {
  it('accepts connections and never answers, or stalls after the headers', async () => {
    for (const headersOnly of [false, true]) {
      const silent = await startSilentServer({ headersOnly });
      try {
        const controller = new AbortController();
        const pending = fetch(`${silent.url}/api/version`, { signal: controller.signal }).then((r) => r.text());
        const outcome = await Promise.race([
          pending.then(
            () => 'answered',
            () => 'failed',
          ),
          new Promise((r) => setTimeout(() => r('silent'), 300)),
        ]);
        expect(outcome).toBe('silent');
        expect(silent.accepted()).toBe(1);
        controller.abort();
        await expect(pending).rejects.toThrow();
      } finally {
        await silent.close();
      }
    }
  });
});
