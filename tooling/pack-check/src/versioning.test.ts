import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { versionDryRun, versioningFindings } from './versioning.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const changeset = join(repo, 'node_modules', '.bin', 'changeset');

/** A two-package workspace: @t/app depends on @t/lib with workspace:*, one pending minor changeset of @t/lib. */
function miniWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'ecamp-pc-ws-'));
  const write = (f: string, v: unknown) => {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  };
  write('package.json', { name: 'mini', private: true });
  write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  write('.changeset/config.json', readFileSync(join(repo, '.changeset', 'config.json'), 'utf8').replace('"@ecamp/trainer"', '"@t/private"'));
  write('.changeset/lib-feature.md', '---\n"@t/lib": minor\n---\n\nA feature.\n');
  write('packages/lib/package.json', { name: '@t/lib', version: '0.1.0', type: 'module' });
  write('packages/app/package.json', { name: '@t/app', version: '0.1.0', type: 'module', dependencies: { '@t/lib': 'workspace:*' } });
  write('packages/private/package.json', { name: '@t/private', version: '0.0.0', private: true, dependencies: { '@t/lib': 'workspace:*' } });
  return root;
}

describe('versionDryRun (real changeset version and pnpm pack in a scratch copy)', () => {
  it('bumps dependents with their dependency and packs exact, accepting ranges', () => {
    const root = miniWorkspace();
    const pending = versionDryRun(root, join(mkdtempSync(join(tmpdir(), 'ecamp-pc-v-')), 'w'), { name: 'pending' }, changeset);
    expect(pending.versions).toEqual(
      new Map([
        ['@t/app', ['0.1.0', '0.1.1']],
        ['@t/lib', ['0.1.0', '0.2.0']],
      ]),
    );
    expect(pending.ranges.get('@t/app')).toEqual({ '@t/lib': '0.2.0' });
    expect(pending.findings).toEqual([]);

    const patch = versionDryRun(
      root,
      join(mkdtempSync(join(tmpdir(), 'ecamp-pc-v-')), 'w'),
      { name: 'lib patch alone', pending: false, extra: { '@t/lib': 'patch' } },
      changeset,
    );
    expect(patch.versions).toEqual(
      new Map([
        ['@t/app', ['0.1.0', '0.1.1']],
        ['@t/lib', ['0.1.0', '0.1.1']],
      ]),
    );
    expect(patch.ranges.get('@t/app')).toEqual({ '@t/lib': '0.1.1' });
    // the workspace itself is untouched
    expect(JSON.parse(readFileSync(join(root, 'packages', 'lib', 'package.json'), 'utf8')).version).toBe('0.1.0');
  });
});

describe('versioningFindings', () => {
  it('flags ranges that miss the new sibling, dependents left behind and versions going down', () => {
    const versions = new Map<string, [string, string]>([
      ['@e/core', ['0.1.0', '0.2.0']],
      ['@e/vision', ['0.1.0', '0.1.0']],
      ['@e/old', ['0.3.0', '0.2.0']],
    ]);
    const ranges = new Map<string, Record<string, string>>([
      ['@e/core', {}],
      ['@e/vision', { '@e/core': '^0.1.0' }],
      ['@e/old', {}],
    ]);
    expect(versioningFindings(versions, ranges).map((f) => f.message)).toEqual([
      "@e/vision 0.1.0 depends on @e/core '^0.1.0', which does not accept @e/core 0.2.0",
      '@e/vision stays 0.1.0 while its dependency @e/core goes 0.1.0 → 0.2.0: it would be published depending on the old @e/core',
      '@e/old goes down from 0.3.0 to 0.2.0',
    ]);
  });
});
