import type { Message, Ollama } from 'ollama';
import { cacheKey } from './cache-key.js';
import { HostHealth, type HostHealthOptions } from './host-health.js';
import type { Journal, JournalRecord } from './journal.js';
import { type EntityLexicon, chestXrayEntities } from '@ecamp/io';
import { type ChatSettings, chatAttempt } from './llm-attempt.js';
import { type HostSpec, createOllamaClient, probeHost } from './ollama-host.js';
import { buildMessages, promptFingerprint, reaskMessages } from './prompt.js';
import { renderContext } from './render.js';
import type { ReportInput } from './reports-input.js';
import { type RunEvent, type RunSummary, emptySummary } from './run-types.js';
import { WorkQueue } from './work-queue.js';

/** Options of {@link distillWithOllama}. */
export interface OllamaRunOptions extends HostHealthOptions {
  /** Ollama servers; each gets `parallel` concurrent requests. */
  hosts: HostSpec[];
  model: string;
  /** Durable cache: finished reports are skipped, new ones appended and fsync'd. */
  journal: Journal;
  lexicon?: EntityLexicon;
  /** Default 0. */
  temperature?: number;
  /** Default 0. */
  seed?: number;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
  /** Requests per report, re-asks included, before it is recorded as failed (default 4). */
  maxAttempts?: number;
  /** First retry delay after a transport failure; doubles per attempt (default 1 s). */
  backoffMs?: number;
  /** Longest retry delay (default 30 s). */
  maxBackoffMs?: number;
  /** Re-distil reports the journal records as failed (default false: they stay failed). */
  retryFailed?: boolean;
  /** Ollama `keep_alive` for the model. */
  keepAlive?: string | number;
  /** Probe `/api/version` and `/api/tags` first; a host failing it starts benched (default true). */
  probe?: boolean;
  /**
   * Stops the run (Ctrl-C): no report is handed out any more; requests in flight finish (each
   * by its deadline) and what they answer is recorded, so no finished work is lost.
   */
  signal?: AbortSignal;
  /** Ends the requests in flight at once too (a second Ctrl-C); their reports are asked again next run. */
  cancel?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

interface Task {
  id: string;
  key: string;
  base: Message[];
  messages: Message[];
  attempts: number;
  reason?: string;
  detail?: string;
}

interface Host {
  spec: HostSpec;
  client: Ollama;
  health: HostHealth;
}

/**
 * Distils reports through one or more Ollama servers. Reports the journal already holds are
 * skipped (cached); every other report is requested with the versioned prompt and a JSON-schema
 * `format`, validated, rendered and appended to the journal (fsync'd) before it counts as done.
 * Failures are retried: transport failures (timeout, 5xx, dropped connection) after an
 * exponential back-off, possibly on another host; invalid answers at once with a re-ask quoting
 * the validation error. After `maxAttempts` requests the report is recorded as failed with the
 * last reason. All hosts' workers pull from one queue (work stealing); a host that fails
 * repeatedly is benched and retried later. Identical report texts are distilled once.
 */
export async function distillWithOllama(reports: AsyncIterable<ReportInput> | Iterable<ReportInput>, options: OllamaRunOptions): Promise<RunSummary> {
  if (options.hosts.length === 0) throw new Error('distillWithOllama: no hosts given');
  const lexicon = options.lexicon ?? chestXrayEntities();
  const fingerprint = promptFingerprint(lexicon);
  const journal = options.journal;
  const emit = options.onEvent ?? (() => undefined);
  const maxAttempts = options.maxAttempts ?? 4;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const settings: ChatSettings = {
    model: options.model,
    temperature: options.temperature ?? 0,
    seed: options.seed ?? 0,
    keepAlive: options.keepAlive,
  };
  const summary = emptySummary();
  const fail = (reason: string) => {
    summary.failed += 1;
    summary.failedByReason[reason] = (summary.failedByReason[reason] ?? 0) + 1;
  };

  const hosts: Host[] = options.hosts.map((spec) => ({
    spec,
    client: createOllamaClient(spec.url, options.timeoutMs ?? 120_000, options.cancel),
    health: new HostHealth(options),
  }));
  // Each host is probed on its own: its workers start as soon as it answers, so a silent host
  // (every request ends by its deadline) never holds up the others.
  let allProbesFailed = false;
  let probeError: Error | undefined;
  const probed = new Map<Host, Promise<void>>();
  if (options.probe ?? true) {
    const reasons: string[] = [];
    for (const h of hosts) {
      probed.set(
        h,
        probeHost(h.client, options.model).then((p) => {
          if (p.ok) emit({ type: 'host-ready', host: h.spec.url, version: p.version, parallel: h.spec.parallel });
          else {
            reasons.push(`${h.spec.url}: ${p.reason}`);
            emit({ type: 'host-down', host: h.spec.url, reason: p.reason });
            h.health.bench();
          }
        }),
      );
    }
    void Promise.all(probed.values()).then(() => {
      if (reasons.length === hosts.length) {
        allProbesFailed = true;
        probeError = new Error(`no usable Ollama host (${reasons.join('; ')})`);
        queue.stop();
      }
    });
  }

  const totalSlots = hosts.reduce((s, h) => s + h.spec.parallel, 0);
  const queue = new WorkQueue<Task>(Math.max(16, 4 * totalSlots));
  /** Keys being distilled → how many later reports of this run share that exact text. */
  const inFlight = new Map<string, number>();
  const onAbort = () => queue.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  options.cancel?.addEventListener('abort', onAbort, { once: true });

  const record = (task: Task, host: string, rec: Partial<JournalRecord> & Pick<JournalRecord, 'status'>) =>
    journal.append({
      key: task.key,
      id: task.id,
      model: options.model,
      promptVersion: fingerprint,
      attempts: task.attempts,
      host,
      at: new Date().toISOString(),
      ...rec,
    });

  const worker = async (host: Host): Promise<void> => {
    await probed.get(host);
    for (;;) {
      const wait = host.health.benchedFor();
      if (wait > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((r) => (timer = setTimeout(r, wait))), queue.whenFinished()]);
        clearTimeout(timer);
        if (queue.done) return;
        continue;
      }
      const task = await queue.take();
      if (!task) return;
      if (host.health.benchedFor() > 0) {
        queue.retry(task); // benched by a sibling worker while this one waited: leave it to others
        continue;
      }
      task.attempts += 1;
      const out = await chatAttempt(host.client, task.messages, settings, lexicon);
      // Stopped: an answer that came is still recorded; anything else is left for the next run.
      if (options.cancel?.aborted || (options.signal?.aborted && out.kind !== 'ok')) return;
      if (out.kind === 'ok') {
        host.health.recordSuccess();
        record(task, host.spec.url, {
          status: 'done',
          distillation: out.distillation,
          context: renderContext(out.distillation),
          ...(out.unknownEntities.length ? { unknownEntities: out.unknownEntities } : {}),
        });
        summary.done += 1;
        inFlight.delete(task.key);
        queue.complete();
        emit({ type: 'done', id: task.id, host: host.spec.url, attempts: task.attempts });
        continue;
      }
      task.reason = out.reason;
      task.detail = out.error;
      if (out.kind === 'transport') {
        const benched = host.health.recordFailure();
        if (benched) emit({ type: 'benched', host: host.spec.url, ms: benched, reason: out.reason });
      } else {
        task.messages = reaskMessages(task.base, out.raw, out.error);
      }
      if (task.attempts >= maxAttempts) {
        record(task, host.spec.url, { status: 'failed', reason: out.reason, detail: out.error });
        // Reports sharing this text were counted as cached when seen; they failed with it.
        const sharing = inFlight.get(task.key) ?? 0;
        summary.cached -= sharing;
        for (let i = 0; i <= sharing; i++) fail(out.reason);
        inFlight.delete(task.key);
        queue.complete();
        emit({ type: 'failed', id: task.id, reason: out.reason, detail: out.error, cached: false });
        continue;
      }
      emit({ type: 'retry', id: task.id, host: host.spec.url, reason: out.reason, attempt: task.attempts });
      const delay = out.kind === 'invalid' ? 0 : Math.min(maxBackoffMs, backoffMs * 2 ** (task.attempts - 1));
      queue.retry(task, delay);
    }
  };
  const workers = hosts.flatMap((h) => Array.from({ length: h.spec.parallel }, () => worker(h)));

  try {
    for await (const report of reports) {
      if (options.signal?.aborted || options.cancel?.aborted || allProbesFailed) break;
      summary.total += 1;
      const key = cacheKey(fingerprint, options.model, report.text);
      const prior = journal.get(key);
      if (prior?.status === 'done' || inFlight.has(key)) {
        if (inFlight.has(key)) inFlight.set(key, inFlight.get(key)! + 1);
        summary.cached += 1;
        emit({ type: 'cached', id: report.id });
        continue;
      }
      if (prior?.status === 'failed' && !options.retryFailed) {
        fail(prior.reason ?? 'unknown');
        emit({ type: 'failed', id: report.id, reason: prior.reason ?? 'unknown', cached: true });
        continue;
      }
      const task: Task = { id: report.id, key, base: buildMessages(report.text, lexicon), messages: [], attempts: 0 };
      if (!report.text.trim()) {
        // Nothing to ask a model about: an empty report has no entities.
        record(task, '', { status: 'done', distillation: { entities: [] }, context: '' });
        summary.done += 1;
        emit({ type: 'done', id: report.id, host: '', attempts: 0 });
        continue;
      }
      task.messages = task.base;
      inFlight.set(key, 0);
      await queue.waitForRoom();
      queue.push(task);
    }
  } catch (err) {
    queue.stop(); // bad input: stop handing out work; unfinished reports are redone next run
    throw err;
  } finally {
    queue.closeInput();
    await Promise.all(workers);
    await Promise.all(probed.values());
    options.signal?.removeEventListener('abort', onAbort);
    options.cancel?.removeEventListener('abort', onAbort);
  }
  if (allProbesFailed && probeError) throw probeError;
  summary.interrupted = Boolean(options.signal?.aborted || options.cancel?.aborted) || summary.done + summary.cached + summary.failed < summary.total;
  return summary;
}
