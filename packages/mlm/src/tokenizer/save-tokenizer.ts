/** Writing a tokenizer.json atomically. */
import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { TokenizerJson } from './load-tokenizer.js';

/**
 * Write a tokenizer.json object to `path` atomically (temp file in the same folder,
 * then rename), creating the folder if needed. The output is what
 * `@huggingface/tokenizers` and the Rust library read.
 */
export function saveTokenizer(path: string, json: TokenizerJson): void {
  if (json === null || typeof json !== 'object' || typeof json.model !== 'object') {
    throw new Error(`saveTokenizer: refusing to write ${path}: the object has no "model" section`);
  }
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(json, null, 2) + '\n', 'utf8');
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`saveTokenizer: cannot write ${path}: ${(e as Error).message}`);
  }
}
