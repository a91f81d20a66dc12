import { describe, expect, it } from 'vitest';
import { captureOutput } from '../test/cli-fixtures.js';
import { main } from './cli.js';
import { commands } from './commands/index.js';

describe('ecamp CLI', () => {
  it('lists every command in its help', async () => {
    const c = captureOutput();
    const code = await main(['--help']);
    c.restore();
    expect(code).toBe(0);
    for (const cmd of commands) expect(c.out.join('')).toContain(cmd.name);
  });

  it.each(commands.map((c) => c.name))('has a help text for %s', async (name) => {
    const c = captureOutput();
    const viaHelp = await main(['help', name]);
    const viaFlag = await main([name, '--help']);
    c.restore();
    expect(viaHelp).toBe(0);
    expect(viaFlag).toBe(0);
    expect(c.out[0]).toMatch(new RegExp(`^Usage: ecamp ${name}`));
    // delegating commands print their package's own help for --help
    expect(c.out.slice(1).join('')).toMatch(new RegExp(`(Usage: ecamp ${name})|(ecamp-${name})`));
  });

  it('rejects unknown commands and flags with exit code 2', async () => {
    const c = captureOutput();
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['config', '--nope'])).toBe(2);
    c.restore();
    expect(c.err.join('')).toMatch(/unknown command 'frobnicate'/);
    expect(c.err.join('')).toMatch(/--nope/);
  });

  it('prints a resolved config and reports a bad override by field', async () => {
    const c = captureOutput();
    expect(await main(['config', '--set', 'optim.steps=17'])).toBe(0);
    expect(await main(['config', '--set', 'optim.steps=-1'])).toBe(2);
    c.restore();
    expect(JSON.parse(c.out.join('')).optim.steps).toBe(17);
    expect(c.err.join('')).toMatch(/optim\.steps/);
  });
});
