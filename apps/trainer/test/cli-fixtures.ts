/**
 * Running the `ecamp` CLI inside a test: stdout and stderr are captured (and kept off the test
 * log) while `main` runs.
 */
import { vi } from 'vitest';
import { main } from '../src/cli.js';

/** Captures what is written to stdout and stderr until `restore()`. */
export function captureOutput(): { out: string[]; err: string[]; restore: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out, err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

/** Runs `ecamp <args>`: its exit code and what it printed. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureOutput();
  try {
    const code = await main(args);
    return { code, out: c.out.join(''), err: c.err.join('') };
  } finally {
    c.restore();
  }
}
