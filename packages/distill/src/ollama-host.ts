import { Ollama } from 'ollama';

/** One Ollama server and how many requests it serves at once (its `OLLAMA_NUM_PARALLEL` slots). */
export interface HostSpec {
  url: string;
  parallel: number;
}

/**
 * Parses `--host` values: `URL[=PARALLEL]`, e.g. `http://gpu1:11434=4` or `gpu2:11434`
 * (http:// is added; default parallel 1). Ollama has no API that reports its parallel slots, so
 * match PARALLEL to the server's `OLLAMA_NUM_PARALLEL`.
 */
export function parseHostSpec(spec: string): HostSpec {
  const m = /^(.*?)(?:=(\d+))?$/.exec(spec.trim())!;
  let url = m[1].replace(/\/+$/, '');
  if (!url) throw new Error(`--host "${spec}": empty URL`);
  if (!/^https?:\/\//.test(url)) url = `http://${url}`;
  try {
    new URL(url);
  } catch {
    throw new Error(`--host "${spec}": not a URL`);
  }
  const parallel = m[2] === undefined ? 1 : Number(m[2]);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256) throw new Error(`--host "${spec}": parallel must be 1..256`);
  return { url, parallel };
}

/** Requests whose deadline is running: keeps each controller and timer reachable until it settles. */
const liveDeadlines = new Set<{ controller: AbortController; timer: NodeJS.Timeout }>();

/**
 * A `fetch` whose every request ends by `timeoutMs` (or when `signal` or the request's own
 * signal aborts): one `AbortController` per request, aborted by a `setTimeout` timer. The
 * controller and timer are held in a module-level set until the response body has been read
 * or the request failed, so neither can be garbage-collected before it fires (a combined
 * `AbortSignal.any` can be, on Node 20: nodejs/node#57736). The timer also covers a host that
 * sends headers and then stalls the body.
 */
export function fetchWithDeadline(timeoutMs: number, signal?: AbortSignal): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const entry = {
      controller,
      timer: setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs),
    };
    liveDeadlines.add(entry);
    const forward = (from: AbortSignal) => () => controller.abort(from.reason);
    const sources = [init?.signal, signal].filter((s): s is AbortSignal => Boolean(s));
    const listeners = sources.map((s) => {
      const fn = forward(s);
      if (s.aborted) fn();
      else s.addEventListener('abort', fn, { once: true });
      return [s, fn] as const;
    });
    const settle = () => {
      clearTimeout(entry.timer);
      liveDeadlines.delete(entry);
      for (const [s, fn] of listeners) s.removeEventListener('abort', fn);
    };
    try {
      const response = await fetch(input, { ...init, signal: controller.signal });
      // Read the body under the same deadline, then hand back a response over the read bytes.
      const body = await response.arrayBuffer();
      settle();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (err) {
      settle();
      throw controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : err;
    }
  };
}

/** How many requests made through {@link fetchWithDeadline} are still running (for tests). */
export function pendingDeadlines(): number {
  return liveDeadlines.size;
}

/**
 * The real `ollama` client for one host, with a per-request deadline ({@link fetchWithDeadline}):
 * every request — version probe, model list, chat — is aborted after `timeoutMs` (or when
 * `signal` aborts), which the client surfaces as a `TimeoutError`/`AbortError`.
 */
export function createOllamaClient(url: string, timeoutMs: number, signal?: AbortSignal): Ollama {
  return new Ollama({ host: url, fetch: fetchWithDeadline(timeoutMs, signal) });
}

/** Result of {@link probeHost}. */
export type ProbeResult = { ok: true; version: string } | { ok: false; reason: string };

/** Checks that a host answers `/api/version` and lists `model` in `/api/tags`. */
export async function probeHost(client: Ollama, model: string): Promise<ProbeResult> {
  try {
    const { version } = await client.version();
    const { models } = await client.list();
    const names = models.map((m) => m.name);
    const wanted = model.includes(':') ? [model] : [model, `${model}:latest`];
    if (!names.some((n) => wanted.includes(n))) {
      return { ok: false, reason: `model "${model}" not pulled there (has: ${names.join(', ') || 'none'})` };
    }
    return { ok: true, version };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
