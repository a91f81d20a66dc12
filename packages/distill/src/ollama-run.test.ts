import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatScript, type TestOllamaServer, answerWith, startSilentServer, startTestOllama } from '../test/ollama-test-server.js';
import { Journal } from './journal.js';
import { type OllamaRunOptions, distillWithOllama } from './ollama-run.js';
import type { ReportInput } from './reports-input.js';
import type { RunEvent } from './run-types.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-run-'));
let fileNo = 0;
const servers: TestOllamaServer[] = [];
const journals: Journal[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const j of journals.splice(0)) j.close();
});

async function serve(script: ChatScript, models?: string[]) {
  const s = await startTestOllama(script, models);
  servers.push(s);
  return s;
}
function journal(path = join(dir, `j${fileNo++}.jsonl`)) {
  const j = Journal.open(path);
  journals.push(j);
  return j;
}
const reports = (n: number, prefix = 'report'): ReportInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${i}`, text: `${prefix} ${i}: small effusion.` }));
const ok: ChatScript = () => ({ kind: 'content', content: answerWith('effusion') });
const fast = { backoffMs: 5, maxBackoffMs: 20, benchMs: 50, timeoutMs: 10_000 } satisfies Partial<OllamaRunOptions>;
/** Distils `n` reports on `hosts` with the fast settings (overridden by `options`) and a fresh journal, collecting the run's events. */
async function distilOn(n: number, hosts: OllamaRunOptions['hosts'], options: Partial<OllamaRunOptions> = {}) {
  const events: RunEvent[] = [];
  const summary = await distillWithOllama(reports(n), { ...fast, ...options, hosts, model: 'test-model', journal: journal(), onEvent: (e) => events.push(e) });
  return { summary, events };
}

describe('distillWithOllama', () => {
  it('distils, journals, renders, and a rerun redoes nothing', async () => {
    const s = await serve(ok);
    const j = journal();
    const first = await distillWithOllama(reports(5), { ...fast, hosts: [{ url: s.url, parallel: 2 }], model: 'test-model', journal: j });
    expect(first).toMatchObject({ total: 5, done: 5, cached: 0, failed: 0, interrupted: false });
    expect(s.chats).toHaveLength(5);
    expect([...j.values()].map((r) => r.context)).toEqual(Array(5).fill('effusion.'));
    expect([...j.values()][0].unknownEntities).toBeUndefined();
    const again = await distillWithOllama(reports(5), { ...fast, hosts: [{ url: s.url, parallel: 2 }], model: 'test-model', journal: j });
    expect(again).toMatchObject({ total: 5, done: 0, cached: 5 });
    expect(s.chats).toHaveLength(5);
  });

  it('re-distils when the model changes, and dedupes identical texts and skips empty ones', async () => {
    const s = await serve(ok, ['test-model', 'other']);
    const j = journal();
    const input = [...reports(2), { id: 'dup', text: reports(1)[0].text }, { id: 'empty', text: '  ' }];
    const r = await distillWithOllama(input, { ...fast, hosts: [{ url: s.url, parallel: 1 }], model: 'test-model', journal: j });
    expect(r).toMatchObject({ total: 4, done: 3, cached: 1 });
    expect(s.chats).toHaveLength(2);
    await distillWithOllama(input, { ...fast, hosts: [{ url: s.url, parallel: 1 }], model: 'other', journal: j });
    expect(s.chats).toHaveLength(4);
  });

  it('re-asks after invalid answers quoting the validation error', async () => {
    const withUnknown = JSON.stringify({
      entities: [
        { entity: 'mass', status: 'present' },
        { entity: 'scoliosis', status: 'present' },
      ],
    });
    const s = await serve((_r, n) => ({
      kind: 'content',
      content: n === 0 ? '{"entities": [' : n === 1 ? '{"entities":[{"entity":"mass","status":"huge"}]}' : withUnknown,
    }));
    const j = journal();
    const events: RunEvent[] = [];
    const r = await distillWithOllama(reports(1), {
      ...fast,
      hosts: [{ url: s.url, parallel: 1 }],
      model: 'test-model',
      journal: j,
      onEvent: (e) => events.push(e),
    });
    expect(r.done).toBe(1);
    expect(s.chats).toHaveLength(3);
    const second = s.chats[1].messages;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: '{"entities": [' });
    expect(second.at(-1)?.content).toContain('not valid JSON');
    expect(s.chats[2].messages.at(-1)?.content).toContain('entities.0.status');
    expect(s.chats[2].messages).toHaveLength(4); // re-asks do not pile up
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { reason: string }).reason)).toEqual(['invalid-json', 'invalid-schema']);
    expect([...j.values()][0]).toMatchObject({ status: 'done', attempts: 3, context: 'mass.', unknownEntities: ['scoliosis'] });
  });

  it('retries 500s, timeouts and dropped connections, then succeeds', async () => {
    const s = await serve((_r, n) =>
      n === 0
        ? { kind: 'status', status: 500 }
        : n === 1
          ? { kind: 'content', content: answerWith('mass'), delayMs: 5000 }
          : n === 2
            ? { kind: 'drop' }
            : { kind: 'content', content: answerWith('mass') },
    );
    const { summary: r, events } = await distilOn(1, [{ url: s.url, parallel: 1 }], { timeoutMs: 1000, benchAfter: 10 });
    expect(r).toMatchObject({ done: 1, failed: 0 });
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { reason: string }).reason)).toEqual(['http-500', 'timeout', 'connection']);
  });

  it('records a report as failed after the attempt cap; a rerun keeps it failed unless told to retry', async () => {
    const s = await serve(() => ({ kind: 'content', content: 'I cannot answer in JSON.' }));
    const j = journal();
    const opts = { ...fast, hosts: [{ url: s.url, parallel: 1 }], model: 'test-model', journal: j, maxAttempts: 3 };
    const r = await distillWithOllama(reports(2), opts);
    expect(r).toMatchObject({ total: 2, done: 0, failed: 2, failedByReason: { 'invalid-json': 2 } });
    expect(s.chats).toHaveLength(6);
    expect([...j.values()][0]).toMatchObject({ status: 'failed', reason: 'invalid-json', attempts: 3 });
    expect(await distillWithOllama(reports(2), opts)).toMatchObject({ failed: 2, done: 0 });
    expect(s.chats).toHaveLength(6); // the rerun asked nothing
    const withDuplicate = [...reports(1, 'other'), { id: 'same', text: reports(1, 'other')[0].text }];
    expect(await distillWithOllama(withDuplicate, opts)).toMatchObject({ total: 2, failed: 2, cached: 0 });
    expect(s.chats).toHaveLength(9); // the shared text was asked once (3 attempts)
    await distillWithOllama(reports(2), { ...opts, retryFailed: true });
    expect(s.chats).toHaveLength(15);
  });

  it('benches a failing host and lets the healthy one take the work', async () => {
    const bad = await serve(() => ({ kind: 'status', status: 503 }));
    const good = await serve(() => ({ kind: 'content', content: answerWith('edema'), delayMs: 5 }));
    const hosts = [
      { url: bad.url, parallel: 2 },
      { url: good.url, parallel: 2 },
    ];
    const { summary: r, events } = await distilOn(12, hosts, { benchAfter: 2, benchMs: 10_000, maxAttempts: 5 });
    expect(r).toMatchObject({ total: 12, done: 12, failed: 0 });
    expect(events.some((e) => e.type === 'benched' && e.host === bad.url)).toBe(true);
    expect(bad.chats.length).toBeLessThanOrEqual(4); // two per slot before the bench, none after
    expect(good.chats.length).toBe(12);
  });

  it('retries a benched host after its bench and uses it again once it recovers', async () => {
    const flaky = await serve((_r, n) => (n < 2 ? { kind: 'drop' } : { kind: 'content', content: answerWith('mass') }));
    const t0 = Date.now();
    const { summary: r, events } = await distilOn(3, [{ url: flaky.url, parallel: 1 }], { benchAfter: 2, benchMs: 300 });
    expect(r).toMatchObject({ done: 3, failed: 0 });
    expect(events.filter((e) => e.type === 'benched')).toHaveLength(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(flaky.chats).toHaveLength(5);
  });

  it('spreads work by speed: a fast host takes more than a slow one', async () => {
    const slow = await serve(() => ({ kind: 'content', content: answerWith('mass'), delayMs: 300 }));
    const quick = await serve(() => ({ kind: 'content', content: answerWith('mass'), delayMs: 5 }));
    const hosts = [
      { url: slow.url, parallel: 1 },
      { url: quick.url, parallel: 1 },
    ];
    const { summary: r } = await distilOn(30, hosts);
    expect(r.done).toBe(30);
    expect(quick.chats.length).toBeGreaterThan(3 * slow.chats.length);
  });

  it('benches a host that fails the probe and refuses when none is usable', async () => {
    const noModel = await serve(ok, ['something-else']);
    const good = await serve(ok);
    const { summary: r, events } = await distilOn(
      3,
      [
        { url: noModel.url, parallel: 1 },
        { url: good.url, parallel: 1 },
      ],
      { benchMs: 60_000 },
    );
    expect(r.done).toBe(3);
    expect(noModel.chats).toHaveLength(0);
    expect(events.find((e) => e.type === 'host-down')).toMatchObject({ host: noModel.url });
    await expect(
      distillWithOllama(reports(1), { ...fast, hosts: [{ url: noModel.url, parallel: 1 }], model: 'test-model', journal: journal() }),
    ).rejects.toThrow(/no usable Ollama host.*not pulled/);
  });

  it('stops on abort without recording unfinished reports', async () => {
    const s = await serve(() => ({ kind: 'content', content: answerWith('mass'), delayMs: 100 }));
    const j = journal();
    const ac = new AbortController();
    // Abort while the second report is in flight (each answer takes 100 ms).
    const onEvent = (e: RunEvent) => e.type === 'done' && setTimeout(() => ac.abort(), 20);
    const r = await distillWithOllama(reports(20), {
      ...fast,
      hosts: [{ url: s.url, parallel: 1 }],
      model: 'test-model',
      journal: j,
      signal: ac.signal,
      onEvent,
    });
    expect(r.interrupted).toBe(true);
    expect(r.done).toBeGreaterThan(0);
    expect(r.done).toBeLessThan(20);
    expect(j.size).toBe(r.done);
  });

  it('on abort lets the requests in flight finish and records them; cancel ends them at once', async () => {
    const s = await serve(() => ({ kind: 'content', content: answerWith('mass'), delayMs: 150 }));
    const stop = new AbortController();
    const j = journal();
    // Stop when the first report is done, with the next two (parallel 2) in flight.
    const onEvent = (e: RunEvent) => e.type === 'done' && stop.abort();
    const r = await distillWithOllama(reports(20), {
      ...fast,
      hosts: [{ url: s.url, parallel: 2 }],
      model: 'test-model',
      journal: j,
      signal: stop.signal,
      onEvent,
    });
    expect(r.interrupted).toBe(true);
    expect(r.done).toBeGreaterThan(1); // the ones in flight when it stopped were finished
    expect(j.size).toBe(r.done);
    expect(s.chats).toHaveLength(r.done); // every request asked was answered and recorded
    const s2 = await serve(() => ({ kind: 'content', content: answerWith('mass'), delayMs: 150 }));
    const stop2 = new AbortController();
    const cancel = new AbortController();
    const j2 = journal();
    const onEvent2 = (e: RunEvent) => e.type === 'done' && (stop2.abort(), cancel.abort());
    const r2 = await distillWithOllama(reports(20), {
      ...fast,
      hosts: [{ url: s2.url, parallel: 2 }],
      model: 'test-model',
      journal: j2,
      signal: stop2.signal,
      cancel: cancel.signal,
      onEvent: onEvent2,
    });
    expect(r2.interrupted).toBe(true);
    expect(j2.size).toBe(r2.done);
    expect(s2.chats.length).toBeGreaterThan(r2.done); // the request in flight was ended, not recorded
  });
});

describe('distillWithOllama with a silent host (accepts, never answers)', () => {
  const timeoutMs = 300;
  const maxAttempts = 2;
  it('ends with an error naming the host when it is the only one', async () => {
    const silent = await startSilentServer();
    try {
      const t0 = Date.now();
      await expect(
        distillWithOllama(reports(3), { ...fast, timeoutMs, maxAttempts, hosts: [{ url: silent.url, parallel: 2 }], model: 'test-model', journal: journal() }),
      ).rejects.toThrow(new RegExp(`no usable Ollama host \\(${silent.url}: .*${timeoutMs} ms`));
      // The probe's version request is the only one: it ends at its deadline (a generous bound, not a speed target).
      expect(Date.now() - t0).toBeLessThan(timeoutMs * maxAttempts + 5000);
    } finally {
      await silent.close();
    }
  });
  it('finishes every report on the healthy host next to it', async () => {
    const silent = await startSilentServer();
    const healthy = await serve(ok);
    try {
      const t0 = Date.now();
      const hosts = [
        { url: silent.url, parallel: 2 },
        { url: healthy.url, parallel: 1 },
      ];
      const { summary, events } = await distilOn(6, hosts, { timeoutMs, maxAttempts, benchMs: 60_000 });
      expect(summary).toMatchObject({ total: 6, done: 6, failed: 0, interrupted: false });
      expect(healthy.chats).toHaveLength(6);
      expect(events.filter((e) => e.type === 'host-down').map((e) => (e as { host: string }).host)).toEqual([silent.url]);
      expect(Date.now() - t0).toBeLessThan(timeoutMs * maxAttempts + 5000);
    } finally {
      await silent.close();
    }
  });
  it('benches a host that goes silent mid-run and finishes elsewhere', async () => {
    const flaky = await serve((_r, n) => (n === 0 ? { kind: 'content', content: answerWith('effusion') } : { kind: 'hang' }));
    const healthy = await serve(ok);
    const hosts = [
      { url: flaky.url, parallel: 1 },
      { url: healthy.url, parallel: 1 },
    ];
    const { summary } = await distilOn(5, hosts, { timeoutMs, maxAttempts: 3, benchAfter: 1, benchMs: 60_000 });
    expect(summary).toMatchObject({ total: 5, done: 5, failed: 0 });
    expect(flaky.chats.length).toBeLessThanOrEqual(3);
  });
});
