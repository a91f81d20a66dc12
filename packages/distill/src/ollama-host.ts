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

/**
 * The real `ollama` client for one host, with a per-request timeout: its fetch is wrapped so
 * every request is aborted after `timeoutMs` (or when `signal` aborts), which the client
 * surfaces as a `TimeoutError`/`AbortError`.
 */
export function createOllamaClient(url: string, timeoutMs: number, signal?: AbortSignal): Ollama {
  const timedFetch: typeof fetch = (input, init) => {
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (init?.signal) signals.push(init.signal);
    if (signal) signals.push(signal);
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
  return new Ollama({ host: url, fetch: timedFetch });
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
