/**
 * A small Ollama-protocol HTTP server for tests: `/api/chat` (non-streaming), `/api/tags`,
 * `/api/version`, on 127.0.0.1 with an ephemeral port only. Each chat request is answered by a
 * per-test script: valid or invalid content, an HTTP error status, a slow answer, a dropped
 * connection, or no answer at all. The real `ollama` client talks to it over HTTP.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one chat request. */
export type ScriptedReply =
  | { kind: 'content'; content: string; delayMs?: number }
  | { kind: 'status'; status: number; error?: string; delayMs?: number }
  | { kind: 'drop'; delayMs?: number }
  | { kind: 'hang' };

/** A chat request as the server saw it. */
export interface SeenChat {
  model: string;
  messages: { role: string; content: string }[];
  format: unknown;
  options: Record<string, unknown> | undefined;
  /** The report text of the first user message (after "Report:\n"). */
  report: string;
}

/** Decides the reply to the n-th (0-based) chat request. */
export type ChatScript = (req: SeenChat, n: number) => ScriptedReply;

/** A running test server. */
export interface TestOllamaServer {
  url: string;
  chats: SeenChat[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 that answers chats with `script`; `models` feed `/api/tags`. */
export async function startTestOllama(script: ChatScript, models: string[] = ['test-model']): Promise<TestOllamaServer> {
  const chats: SeenChat[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number | undefined, fn: () => void) => {
    if (!ms) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/api/version') return json(res, 200, { version: '0.0.0-test' });
      if (req.url === '/api/tags') return json(res, 200, { models: models.map((name) => ({ name, model: name, size: 1 })) });
      if (req.url !== '/api/chat' || req.method !== 'POST') return json(res, 404, { error: 'not found' });
      const parsed = JSON.parse(body) as Omit<SeenChat, 'report'>;
      const firstUser = parsed.messages.find((m) => m.role === 'user')?.content ?? '';
      const seen: SeenChat = { ...parsed, report: firstUser.replace(/^Report:\n/, '') };
      const n = chats.length;
      chats.push(seen);
      const reply = script(seen, n);
      if (reply.kind === 'hang') return;
      later(reply.delayMs, () => {
        if (reply.kind === 'drop') return req.socket.destroy();
        if (reply.kind === 'status') return json(res, reply.status, { error: reply.error ?? `scripted ${reply.status}` });
        json(res, 200, {
          model: parsed.model,
          created_at: new Date(0).toISOString(),
          message: { role: 'assistant', content: reply.content },
          done: true,
          done_reason: 'stop',
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    chats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A valid answer naming one present entity, for scripts. */
export function answerWith(entity: string, status: 'present' | 'absent' | 'uncertain' = 'present'): string {
  return JSON.stringify({ entities: [{ entity, status, severity: null, laterality: null, location: null, change: null }] });
}

/** A server that never answers; `close` ends it and every connection it accepted. */
export interface SilentServer {
  url: string;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP server (127.0.0.1, ephemeral port) that accepts every connection and never
 * answers — the "silent host". With `headersOnly` it sends an HTTP 200 status line and headers
 * and then stalls the body forever.
 */
export async function startSilentServer(options: { headersOnly?: boolean } = {}): Promise<SilentServer> {
  const { createServer: createTcpServer } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (options.headersOnly) {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"version":'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
