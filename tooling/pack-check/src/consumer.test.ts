import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  consumerManifest,
  consumerTsconfig,
  exampleFindings,
  inspectInstall,
  installedCopies,
  nativeState,
  npmInstall,
  typecheckAndRun,
  writeConsumer,
} from './consumer.js';
import { execOk } from './exec.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const typeRoots = [join(repo, 'node_modules', '@types')];

function put(root: string, f: string, text: string): void {
  mkdirSync(dirname(join(root, f)), { recursive: true });
  writeFileSync(join(root, f), text);
}

describe('the consumer project', () => {
  it('depends on one tarball and overrides the other @ecamp packages with theirs', () => {
    const m = consumerManifest(
      '@ecamp/vision',
      new Map([
        ['@ecamp/vision', '/t/v.tgz'],
        ['@ecamp/core', '/t/c.tgz'],
      ]),
    );
    expect(m).toEqual({
      name: 'pack-check-ecamp-vision',
      version: '0.0.0',
      private: true,
      type: 'module',
      dependencies: { '@ecamp/vision': 'file:/t/v.tgz' },
      overrides: { '@ecamp/core': 'file:/t/c.tgz' },
    });
    expect(() => consumerManifest('@ecamp/x', new Map())).toThrow(/no tarball for @ecamp\/x/);
    expect(consumerTsconfig('Bundler', ['/types'])).toMatchObject({
      compilerOptions: { moduleResolution: 'Bundler', module: 'ESNext', noEmit: true, strict: true, typeRoots: ['/types'] },
    });
  });

  it('installs a packed tarball with npm outside the workspace', () => {
    const root = mkdtempSync(join(tmpdir(), 'ecamp-pc-c-'));
    put(
      root,
      'package/package.json',
      JSON.stringify({ name: '@ecamp/tiny', version: '1.2.3', type: 'module', exports: { types: './index.d.ts', default: './index.js' } }),
    );
    put(root, 'package/index.js', 'export const answer = 42;\n');
    put(root, 'package/index.d.ts', 'export declare const answer: number;\n');
    const tgz = join(root, 'tiny.tgz');
    execOk('tar', ['-czf', tgz, '-C', root, 'package']);
    const dir = join(root, 'consumer');
    writeConsumer(
      dir,
      '@ecamp/tiny',
      new Map([['@ecamp/tiny', tgz]]),
      "import { answer } from '@ecamp/tiny';\nconsole.log(`answer ${answer}`);\n// prints: answer 42\n",
      typeRoots,
    );
    const r = npmInstall(dir, process.env, 120_000);
    expect(r.status, r.stderr).toBe(0);
    const { findings, facts } = inspectInstall(dir, new Map([['@ecamp/tiny', '1.2.3']]), repo, []);
    expect(findings).toEqual([]);
    expect(facts).toEqual({ ecamp: ['@ecamp/tiny@1.2.3'], tfjsCore: 0, native: { state: 'absent' } });
    const run = typecheckAndRun(dir, tsc, ['answer 42'], process.env);
    expect(exampleFindings(run)).toEqual([]);
    expect(run.run!.stdout).toBe('answer 42\n');
    const wrong = typecheckAndRun(dir, tsc, ['answer 43'], process.env);
    expect(exampleFindings(wrong).map((f) => f.message)).toEqual(['the example\'s output lacks "answer 43"; it printed:\nanswer 42']);
    writeFileSync(join(dir, 'example.ts'), "import { answer } from '@ecamp/tiny';\nconst n: string = answer;\n");
    const typeError = exampleFindings(typecheckAndRun(dir, tsc, [], process.env));
    expect(typeError.map((f) => f.message.split('\n')[0])).toEqual([
      'the example does not typecheck (moduleResolution NodeNext):',
      'the example does not typecheck (moduleResolution Bundler):',
    ]);
    expect(typeError[0].message).toMatch(/Type 'number' is not assignable to type 'string'/);
  });

  it('finds links into the workspace, wrong versions, leaked paths, duplicate engines and unasked optional peers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-pc-i-'));
    const nm = join(dir, 'node_modules');
    put(nm, '@ecamp/core/package.json', JSON.stringify({ name: '@ecamp/core', version: '0.1.0', optionalDependencies: { '@ecamp/native': 'workspace:*' } }));
    put(nm, '@ecamp/core/dist/index.js', `// built in ${repo}/packages/core`);
    mkdirSync(join(nm, '@ecamp'), { recursive: true });
    symlinkSync(join(repo, 'packages', 'vision'), join(nm, '@ecamp', 'vision'));
    put(nm, '@tensorflow/tfjs-core/package.json', '{"version": "4.22.0"}');
    put(nm, '@ecamp/core/node_modules/@tensorflow/tfjs-core/package.json', '{"version": "4.21.0"}');
    put(nm, '@tensorflow/tfjs-node/package.json', '{"version": "4.22.0"}');
    put(nm, '@ecamp/native/build/unavailable.json', JSON.stringify({ reason: "no C compiler ('cc --version' failed)" }));
    put(nm, '@ecamp/native/package.json', JSON.stringify({ name: '@ecamp/native', version: '0.2.0' }));
    expect(installedCopies(dir, '@tensorflow/tfjs-core')).toHaveLength(2);
    expect(nativeState(dir)).toEqual({ state: 'unavailable', reason: "no C compiler ('cc --version' failed)" });
    const { findings, facts } = inspectInstall(
      dir,
      new Map([
        ['@ecamp/core', '0.2.0'],
        ['@ecamp/native', '0.2.0'],
        ['@ecamp/vision', '0.2.0'],
      ]),
      repo,
      ['@tensorflow/tfjs-node'],
    );
    const messages = findings.map((f) => f.message);
    expect(messages).toContain("@ecamp/core 0.1.0 is installed, not the packed 0.2.0 (the registry's?)");
    expect(messages).toContain("@ecamp/core's installed package.json still has a workspace: range");
    expect(messages).toContain(`@ecamp/core: dist/index.js contains the workspace path ${repo}`);
    expect(messages.some((m) => /^@ecamp\/vision is installed as a link to .*packages\/vision, not from its tarball$/.test(m))).toBe(true);
    expect(messages).toContain('2 copies of @tensorflow/tfjs-core are installed: two TF.js engines');
    expect(messages).toContain('the optional peer @tensorflow/tfjs-node was installed although nothing asked for it');
    expect(facts.tfjsCore).toBe(2);
  });
});
