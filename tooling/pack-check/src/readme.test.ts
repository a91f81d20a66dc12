import { describe, expect, it } from 'vitest';
import { MAX_EXAMPLE_LINES, importsNotInstalled, packageOf, readmeUsage } from './readme.js';

const good = `# @ecamp/vision

One paragraph.

## Install

\`\`\`sh
npm install @ecamp/vision   # depends on @ecamp/core
\`\`\`
Node ≥ 20.9.

\`\`\`ts
import { initBackend, tf } from '@ecamp/core';
import { createVit } from '@ecamp/vision';
import { join } from 'node:path';
await initBackend();
console.log(createVit('tiny').forward(tf.zeros([1, 224, 224, 3])).shape);
// prints: [ 1, 197, 192 ]
\`\`\`

## Models

\`\`\`ts
import { other } from 'elsewhere';
\`\`\`
`;

describe('readmeUsage', () => {
  it('finds the install command and the example of the opening, with the expected output', () => {
    const u = readmeUsage(good, '@ecamp/vision');
    expect(u.install).toBe('npm install @ecamp/vision');
    expect(u.installs).toEqual(['@ecamp/vision']);
    expect(u.exampleLines).toBe(6);
    expect(u.expected).toEqual(['[ 1, 197, 192 ]']);
    expect(u.imports).toEqual(['@ecamp/core', '@ecamp/vision']);
    // @ecamp/core comes with @ecamp/vision (a dependency): the caller says so
    expect(importsNotInstalled(u)).toEqual(['@ecamp/core']);
    expect(importsNotInstalled(u, ['@ecamp/core'])).toEqual([]);
  });

  it('accepts an opening without an Install heading (code right after the title)', () => {
    const readme =
      '# @ecamp/native\n\n```sh\napt-get install x\nnpm install @ecamp/native @ecamp/core@^0.2.0\n```\n\n```ts\nimport { a } from "@ecamp/native";\n```\n\n## How it works\n';
    const u = readmeUsage(readme, '@ecamp/native');
    expect(u.installs).toEqual(['@ecamp/native', '@ecamp/core']);
    expect(u.imports).toEqual(['@ecamp/native']);
  });

  it('names the README and what is missing or too long', () => {
    expect(() => readmeUsage('# x\n\n## Install\nInside the workspace.\n\n## API\n```ts\nx\n```\n', '@ecamp/x', 'packages/x/README.md')).toThrow(
      /^packages\/x\/README\.md: does not begin with an install command — expected a ```sh block with `npm install @ecamp\/x`/,
    );
    expect(() => readmeUsage('# x\n```sh\nnpm install @ecamp/x\n```\n## API\n```ts\nx\n```\n', '@ecamp/x')).toThrow(
      /README\.md: no ```ts example after the install command/,
    );
    const long = `# x\n\`\`\`sh\nnpm install @ecamp/x\n\`\`\`\n\`\`\`ts\n${'a;\n'.repeat(MAX_EXAMPLE_LINES + 1)}\`\`\`\n`;
    expect(() => readmeUsage(long, '@ecamp/x')).toThrow(/the opening example has 17 lines; keep it to 16/);
  });

  it('packageOf keeps the package part of bare specifiers only', () => {
    expect(packageOf('@ecamp/data/tensors')).toBe('@ecamp/data');
    expect(packageOf('sharp')).toBe('sharp');
    expect(packageOf('lodash/fp')).toBe('lodash');
    expect(packageOf('./x.js')).toBeUndefined();
    expect(packageOf('node:fs')).toBeUndefined();
  });
});
