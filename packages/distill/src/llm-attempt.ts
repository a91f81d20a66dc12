import type { Message, Ollama } from 'ollama';
import type { EntityLexicon } from '@ecamp/io';
import { type Distillation, ollamaFormatSchema, validateLlmAnswer } from './schema.js';

/** Sampling settings of every chat request. */
export interface ChatSettings {
  model: string;
  /** Default 0: the distillation should be a function of the report. */
  temperature: number;
  seed: number;
  /** How long the server keeps the model loaded between requests (Ollama `keep_alive`). */
  keepAlive?: string | number;
}

/** Outcome of one chat request. */
export type AttemptOutcome =
  | { kind: 'ok'; distillation: Distillation; unknownEntities: string[]; raw: string }
  | { kind: 'invalid'; reason: 'invalid-json' | 'invalid-schema'; error: string; raw: string }
  | { kind: 'transport'; reason: string; error: string };

/**
 * Sends one chat request (JSON-schema `format`, temperature, seed) and validates the answer.
 * Never throws for server trouble: timeouts, HTTP errors, dropped connections and unreadable
 * responses come back as `transport` outcomes (retry, maybe elsewhere); answers that fail JSON
 * or schema validation come back as `invalid` (re-ask quoting the error).
 */
export async function chatAttempt(client: Ollama, messages: Message[], settings: ChatSettings, lexicon: EntityLexicon): Promise<AttemptOutcome> {
  let raw: string;
  try {
    const response = await client.chat({
      model: settings.model,
      messages,
      format: ollamaFormatSchema(lexicon),
      stream: false,
      keep_alive: settings.keepAlive,
      options: { temperature: settings.temperature, seed: settings.seed },
    });
    raw = response?.message?.content;
    if (typeof raw !== 'string') return { kind: 'transport', reason: 'bad-response', error: 'response has no message.content' };
  } catch (err) {
    return { kind: 'transport', ...classifyTransportError(err) };
  }
  const v = validateLlmAnswer(raw, lexicon);
  if (v.ok) return { kind: 'ok', distillation: v.distillation, unknownEntities: v.unknownEntities, raw };
  return { kind: 'invalid', reason: v.kind, error: v.error, raw };
}

/**
 * Names the failure of a request: `timeout`, `http-<status>` (the client's ResponseError),
 * `connection` (refused, reset, dropped), `aborted`, or `bad-response` (the body was not JSON).
 */
export function classifyTransportError(err: unknown): { reason: string; error: string } {
  const e = err as { name?: string; message?: string; status_code?: number; cause?: { code?: string; message?: string } };
  const message = e?.message ?? String(err);
  if (e?.name === 'TimeoutError') return { reason: 'timeout', error: message };
  if (e?.name === 'AbortError') return { reason: 'aborted', error: message };
  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') return { reason: `http-${e.status_code}`, error: message };
  if (e?.name === 'SyntaxError') return { reason: 'bad-response', error: message };
  if (e?.name === 'TypeError' || e?.cause?.code) {
    return { reason: 'connection', error: e?.cause?.message ? `${message}: ${e.cause.message}` : message };
  }
  return { reason: 'error', error: message };
}
