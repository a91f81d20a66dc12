import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execOk } from './exec.js';
import { checkPackage, exportTargets, unpack, type PackedPackage } from './manifest.js';

/** Writes files under a fresh `package/` folder, tars it, and unpacks it again through `unpack`. */
function packed(files: Record<string, string>): PackedPackage {
  const root = mkdtempSync(join(tmpdir(), 'ecamp-pc-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'package', f)), { recursive: true });
    writeFileSync(join(root, 'package', f), text);
  }
  const tgz = join(root, 'p.tgz');
  execOk('tar', ['-czf', tgz, '-C', root, 'package']);
  return unpack(tgz, join(root, 'out'));
}

const goodManifest = {
  name: '@ecamp/vision',
  version: '0.2.0',
  type: 'module',
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  dependencies: { '@ecamp/core': '0.2.0' },
};

describe('checkPackage', () => {
  it('passes a publishable package', () => {
    const p = packed({
      'package.json': JSON.stringify(goodManifest),
      'dist/index.js': 'export {}',
      'dist/index.d.ts': 'export {}',
      'README.md': '# x\n[api](#api) [site](https://x.org)',
    });
    expect(p.name).toBe('@ecamp/vision');
    expect(p.files).toEqual(['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
    expect(checkPackage(p, new Map([['@ecamp/core', '0.2.0']]), ['/work/main'])).toEqual([]);
  });

  it('finds workspace leftovers, ranges that miss the packed siblings, missing entry points and leaked paths', () => {
    const manifest = {
      ...goodManifest,
      exports: { '.': { source: './src/index.ts', types: './dist/index.d.ts', import: './dist/missing.js' } },
      bin: { 'ecamp-x': './dist/cli.js' },
      dependencies: { '@ecamp/core': '0.1.0', sharp: '0.35.5' },
      optionalDependencies: { '@ecamp/native': 'workspace:*' },
      peerDependencies: { local: 'file:../x' },
    };
    const p = packed({
      'package.json': JSON.stringify(manifest),
      'dist/index.d.ts': 'export {}',
      'dist/index.js.map': JSON.stringify({ sources: ['../src/index.ts'] }),
      'dist/util.js': '//# sourceMappingURL=/work/main/packages/vision/dist/util.js.map',
      'README.md': '![example](docs/example.png) [method](../../docs/method.md)',
    });
    const f = checkPackage(p, new Map([['@ecamp/core', '0.2.0']]), ['/work/main']);
    const errors = f.filter((x) => x.level === 'error').map((x) => x.message);
    const warnings = f.filter((x) => x.level === 'warning').map((x) => x.message);
    expect(errors).toEqual([
      "package.json dependencies['@ecamp/core'] = '0.1.0' does not accept the packed @ecamp/core 0.2.0",
      "package.json optionalDependencies['@ecamp/native'] is still 'workspace:*' (the workspace protocol must be rewritten at pack)",
      "package.json peerDependencies['local'] = 'file:../x' points at a local path",
      "exports['.']['import'] → ./dist/missing.js is not in the package",
      'package.json main → ./dist/index.js is not in the package',
      "package.json bin['ecamp-x'] → ./dist/cli.js is not in the package",
      'dist/util.js contains the workspace path /work/main',
    ]);
    expect(warnings).toEqual([
      "exports['.']['source'] → ./src/index.ts is not in the package (only consumers resolving the 'source' condition are affected)",
      '1 source/declaration map(s) point at sources that are not in the package (debuggers and go-to-definition fall back to dist/)',
      'README.md links docs/example.png, which is not in the package (broken on the registry)',
      'README.md links ../../docs/method.md, outside the package (broken on the registry; use an absolute URL)',
    ]);
  });

  it('exportTargets walks subpaths, conditions and arrays', () => {
    expect(exportTargets({ '.': { types: './a.d.ts', import: ['./a.js', './b.js'] }, './x': './x.js' })).toEqual([
      { path: ['.', 'types'], target: './a.d.ts' },
      { path: ['.', 'import'], target: './a.js' },
      { path: ['.', 'import'], target: './b.js' },
      { path: ['./x'], target: './x.js' },
    ]);
    expect(exportTargets('./index.js')).toEqual([{ path: [], target: './index.js' }]);
  });
});
