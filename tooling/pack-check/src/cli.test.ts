import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { formatReport, main, noCompilerEnv, readExceptions, runCheck } from './cli.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A one-package workspace whose README promises `prints` (the package prints `hello 3`). */
function miniWorkspace(prints: string): string {
  const root = mkdtempSync(join(tmpdir(), 'ecamp-pc-cli-'));
  const put = (f: string, text: string) => {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  };
  put('package.json', JSON.stringify({ name: 'mini', private: true }));
  put('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  put(
    '.changeset/config.json',
    JSON.stringify({ changelog: false, commit: false, access: 'public', baseBranch: 'main', updateInternalDependencies: 'patch', ignore: [] }),
  );
  put('.changeset/feat.md', '---\n"@t/hello": minor\n---\n\nhello\n');
  put(
    'packages/hello/package.json',
    JSON.stringify({
      name: '@t/hello',
      version: '1.0.0',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      files: ['dist', 'README.md'],
    }),
  );
  put('packages/hello/dist/index.js', 'export function hello(n) { return `hello ${n}`; }\n');
  put('packages/hello/dist/index.d.ts', 'export declare function hello(n: number): string;\n');
  put(
    'packages/hello/README.md',
    `# @t/hello\n\n## Install\n\n\`\`\`sh\nnpm install @t/hello\n\`\`\`\n\n\`\`\`ts\nimport { hello } from '@t/hello';\nconsole.log(hello(3));\n// prints: ${prints}\n\`\`\`\n\n## API\n`,
  );
  return root;
}

describe('runCheck on a workspace of its own', () => {
  it('packs, versions, installs alone and runs the README example; a README that promises other output fails', async () => {
    const lines: string[] = [];
    const good = await runCheck({ root: miniWorkspace('hello 3'), build: false, log: (l) => lines.push(l), scenarios: [{ name: 'pending' }] });
    expect(good.ok, formatReport(good)).toBe(true);
    const p = good.packages[0];
    expect(p).toMatchObject({ name: '@t/hello', version: '1.0.0', exampleFrom: 'README.md', compiler: false, stdout: 'hello 3\n', findings: [] });
    expect(good.versioning[0].versions.get('@t/hello')).toEqual(['1.0.0', '1.1.0']);
    expect(existsSync(good.work)).toBe(false); // scratch folder removed
    expect(lines.some((l) => l.startsWith('@t/hello: installed in'))).toBe(true);

    const bad = await runCheck({ root: miniWorkspace('hello 4'), build: false, log: () => undefined, scenarios: [] });
    expect(bad.ok).toBe(false);
    expect(bad.packages[0].findings.map((f) => f.message)).toEqual(['the example\'s output lacks "hello 4"; it printed:\nhello 3']);
    const md = formatReport(bad);
    expect(md).toMatch(/^# Package check: FAILED/);
    expect(md).toContain('| @t/hello@1.0.0 | FAIL |');
    expect(md).toContain('- ERROR @t/hello: the example\'s output lacks "hello 4"');
  });
});

describe('pack-check helpers', () => {
  it('reads the exceptions (none today: every README example runs), each with an example file and a reason', () => {
    // The repository's own file: every entry must name an existing example and say why.
    for (const e of Object.values(readExceptions())) {
      expect(existsSync(resolve(here, '..', e.example))).toBe(true);
      expect(e.reason.length).toBeGreaterThan(40);
    }
    // Entries are read and '$'-keys (comments) dropped.
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-pc-ex-'));
    const file = join(dir, 'exceptions.json');
    writeFileSync(file, JSON.stringify({ $comment: 'x', '@t/a': { example: 'a.ts', reason: 'why' } }));
    expect(readExceptions(file)).toEqual({ '@t/a': { example: 'a.ts', reason: 'why' } });
  });

  it('an install without a C compiler points CC nowhere and drops the native requirement', () => {
    const env = noCompilerEnv({ PATH: '/bin', ECAMP_NATIVE_REQUIRED: '1' });
    expect(env).toEqual({ PATH: '/bin', CC: '/nonexistent/pack-check-no-compiler' });
  });

  it('prints its usage', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(out.join('')).toMatch(/^Usage: pnpm check:packages/);
  });
});
