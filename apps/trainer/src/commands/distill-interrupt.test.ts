/**
 * Ctrl-C during `ecamp distill` with an Ollama host: a child process distils through a loopback
 * Ollama stand-in, gets SIGINT once some reports are in the journal, exits 130 with the command
 * that resumes; that command finishes the rest without asking again for what was done.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { answerWith, startTestOllama, type TestOllamaServer } from '../../../../packages/distill/test/ollama-test-server.js';

const trainerRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = 12;

function run(argv: string[] | string, onStart?: (kill: (s: NodeJS.Signals) => void) => void): Promise<{ code: number | null; stderr: string }> {
  const child =
    typeof argv === 'string'
      ? spawn('sh', ['-c', argv], { cwd: trainerRoot, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', ...argv], { cwd: trainerRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  onStart?.((s) => child.kill(s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length
    : 0;

describe('ecamp distill and Ctrl-C', () => {
  let server: TestOllamaServer | undefined;
  afterAll(async () => server?.close());

  it('after SIGINT finishes the request in flight, exits 130 with the resuming command; that command finishes the rest without redoing the journal', async () => {
    server = await startTestOllama(() => ({ kind: 'content', content: answerWith('effusion'), delayMs: 100 }));
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-distill-int-'));
    const input = join(dir, 'reports.csv');
    writeFileSync(input, `id,report\n${Array.from({ length: N }, (_, i) => `r${i},Small left pleural effusion number ${i}.`).join('\n')}\n`);
    const journal = join(dir, 'journal.jsonl');
    const out = join(dir, 'out.jsonl');
    const argv = ['distill', '--input', input, '--host', server.url, '--model', 'test-model', '--journal', journal, '--out-jsonl', out, '--backoff', '0.01'];
    let poll: NodeJS.Timeout | undefined;
    const first = await run(argv, (kill) => {
      // SIGINT once two reports are in the journal.
      poll = setInterval(() => {
        if (lines(journal) >= 2) {
          clearInterval(poll);
          kill('SIGINT');
        }
      }, 20);
    });
    clearInterval(poll);
    expect(first.code, first.stderr).toBe(130);
    const done = lines(journal);
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(N);
    expect(existsSync(out)).toBe(false); // outputs come only with a complete run
    expect(server.chats).toHaveLength(done); // the request in flight at Ctrl-C finished and was recorded
    const resume = /^\[distill\] interrupted; to resume: (.*)$/m.exec(first.stderr);
    expect(resume, first.stderr).not.toBeNull();
    expect(resume![1]).toContain(`distill --input ${input} --host ${server.url}`);

    const asked = server.chats.length;
    const second = await run(resume![1]);
    expect(second.code, second.stderr).toBe(0);
    expect(server.chats.length - asked).toBe(N - done); // finished reports were not asked again
    expect(lines(out)).toBe(N);
  }, 60_000);
});
