/**
 * Atomic file writes: the data goes to a temporary file in the same folder,
 * then a rename puts it in place, so a reader never sees a half-written file
 * and an interrupted run leaves either the old file or the new one.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;

/** Writes `data` to `path` atomically (temp file + rename), creating parent folders. */
export async function atomicWriteFile(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
