import { describe, expect, it } from 'vitest';
import { exec, execOk, tail } from './exec.js';

describe('exec', () => {
  it('captures output, status and time; reports deadlines and missing commands', () => {
    const ok = exec(process.execPath, ['-e', 'console.log("out"); console.error("err")']);
    expect(ok).toMatchObject({ status: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(ok.seconds).toBeGreaterThan(0);
    const slow = exec(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { timeoutMs: 200 });
    expect(slow.error).toBe('timed out after 0 s');
    expect(exec('/nonexistent/command', []).error).toMatch(/ENOENT/);
    const bad = exec(process.execPath, ['-e', 'for (let i = 0; i < 40; i++) console.log(i); process.exit(3)']);
    expect(bad.status).toBe(3);
    expect(tail(bad, 2)).toBe('38\n39');
    expect(() => execOk(process.execPath, ['-e', 'process.exit(4)'], { cwd: '/' })).toThrow(/failed \(exit 4\) in \//);
  });
});
