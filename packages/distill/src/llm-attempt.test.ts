import { afterEach, describe, expect, it } from 'vitest';
import { type TestOllamaServer, answerWith, startTestOllama } from '../test/ollama-test-server.js';
import { chestXrayEntities } from '@ecamp/io';
import { chatAttempt, classifyTransportError } from './llm-attempt.js';
import { createOllamaClient } from './ollama-host.js';
import { buildMessages } from './prompt.js';

const lex = chestXrayEntities();
const settings = { model: 'test-model', temperature: 0, seed: 7 };
let server: TestOllamaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('chatAttempt', () => {
  it('sends schema format, temperature and seed, and validates the answer', async () => {
    server = await startTestOllama(() => ({ kind: 'content', content: answerWith('Effusions') }));
    const out = await chatAttempt(createOllamaClient(server.url, 2000), buildMessages('Small effusion.', lex), settings, lex);
    expect(out).toMatchObject({ kind: 'ok', distillation: { entities: [{ entity: 'effusion', status: 'present' }] } });
    const seen = server.chats[0];
    expect(seen.options).toEqual({ temperature: 0, seed: 7 });
    expect((seen.format as any).properties.entities.items.properties.entity.enum).toContain('effusion');
  });
  it('classifies invalid JSON, schema errors, HTTP errors, drops and timeouts', async () => {
    const replies = [
      { kind: 'content', content: 'sure! {"entities":' },
      { kind: 'content', content: '{"entities":[{"entity":"mass","status":"big"}]}' },
      { kind: 'status', status: 500 },
      { kind: 'drop' },
      { kind: 'hang' },
    ] as const;
    server = await startTestOllama((_r, n) => replies[n]);
    const client = createOllamaClient(server.url, 10_000);
    const impatient = createOllamaClient(server.url, 300); // only for the request that never gets an answer
    const m = buildMessages('x', lex);
    const outs = [];
    for (let i = 0; i < replies.length; i++) outs.push(await chatAttempt(replies[i].kind === 'hang' ? impatient : client, m, settings, lex));
    expect(outs.map((o) => (o.kind === 'ok' ? 'ok' : o.reason))).toEqual(['invalid-json', 'invalid-schema', 'http-500', 'connection', 'timeout']);
  });
  it('names unknown errors', () => {
    expect(classifyTransportError(new Error('boom'))).toEqual({ reason: 'error', error: 'boom' });
  });
});
