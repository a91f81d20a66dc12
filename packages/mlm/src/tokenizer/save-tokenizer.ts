/** Writing a tokenizer.json atomically. */
import { writeFileAtomic } from '@ecamp/io';
import type { TokenizerJson } from './load-tokenizer.js';

/**
 * Write a tokenizer.json object to `path` atomically and durably (`@ecamp/io`'s
 * `writeFileAtomic`: temp file in the same folder, fsync, rename), creating the folder if
 * needed. The output is what `@huggingface/tokenizers` and the Rust library read.
 */
export function saveTokenizer(path: string, json: TokenizerJson): void {
  if (json === null || typeof json !== 'object' || typeof json.model !== 'object') {
    throw new Error(`saveTokenizer: refusing to write ${path}: the object has no "model" section`);
  }
  try {
    writeFileAtomic(path, JSON.stringify(json, null, 2) + '\n');
  } catch (e) {
    throw new Error(`saveTokenizer: ${(e as Error).message}`);
  }
}
