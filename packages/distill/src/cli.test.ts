import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { answerWith, startTestOllama } from '../test/ollama-test-server.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Workspace packages resolve to their sources (no build needed), as in the tests themselves.
const cliArgs = ['--conditions=source', '--import', 'tsx', 'src/cli.ts'];

function journalLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.endsWith('}'))
    : [];
}
async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('ecamp-distill bin', () => {
  it('prints usage', () => {
    const out = execFileSync(process.execPath, [...cliArgs, '--help'], { cwd: packageDir, encoding: 'utf8' });
    expect(out).toContain('Usage:');
    expect(out).toContain('--journal PATH');
  });

  it('survives kill -9 mid-run: the restart redoes nothing finished and every report is distilled exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-kill9-'));
    const input = join(dir, 'reports.jsonl');
    const n = 12;
    const finishedBeforeKill = 5;
    writeFileSync(input, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `r${i}`, text: `Report ${i}: small effusion.` })).join('\n'));
    // Phase 1 answers the first five requests, then never answers again (the child is stuck in request six).
    let phase = 1;
    const server = await startTestOllama((_req, k) =>
      phase === 1 && k >= finishedBeforeKill ? { kind: 'hang' } : { kind: 'content', content: answerWith('effusion') },
    );
    const journal = join(dir, 'journal.jsonl');
    const out = join(dir, 'out.jsonl');
    const args = [...cliArgs, '--input', input, '--host', server.url, '--model', 'test-model', '--journal', journal, '--out-jsonl', out, '--timeout', '60'];
    try {
      const first = spawn(process.execPath, args, { cwd: packageDir, stdio: 'ignore' });
      const firstExit = exited(first);
      await until(() => journalLines(journal).length === finishedBeforeKill && server.chats.length > finishedBeforeKill, 30_000);
      first.kill('SIGKILL');
      await firstExit;
      // What a kill during a write leaves behind: a torn, unacknowledged last line.
      appendFileSync(journal, '{"key":"deadbeef","id":"r5","sta');
      const doneBefore = new Set(journalLines(journal).map((l) => JSON.parse(l).id as string));
      expect(doneBefore.size).toBe(finishedBeforeKill);

      phase = 2;
      const requestsBefore = server.chats.length;
      const second = spawn(process.execPath, args, { cwd: packageDir, stdio: 'ignore' });
      expect(await exited(second)).toBe(0);

      const redone = server.chats.slice(requestsBefore).map((c) => c.report.split(':')[0]);
      expect(redone).toHaveLength(n - finishedBeforeKill);
      for (const id of doneBefore) expect(redone).not.toContain(`Report ${id.slice(1)}`);
      const records = journalLines(journal).map((l) => JSON.parse(l));
      expect(records).toHaveLength(n);
      expect(new Set(records.map((r) => r.id)).size).toBe(n);
      expect(records.every((r) => r.status === 'done')).toBe(true);
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => `r${i}`));
      expect(rows.every((r) => r.status === 'done' && r.context === 'effusion.')).toBe(true);
    } finally {
      await server.close();
    }
  });
});
