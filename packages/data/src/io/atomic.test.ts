import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteFile } from './atomic.js';

describe('atomicWriteFile', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('creates parent folders, writes the content and leaves no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecamp-atomic-'));
    dirs.push(dir);
    const p = join(dir, 'a', 'b', 'x.txt');
    await atomicWriteFile(p, 'hello');
    await atomicWriteFile(p, new Uint8Array([104, 105]));
    expect(await readFile(p, 'utf8')).toBe('hi');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['x.txt']);
  });
});
