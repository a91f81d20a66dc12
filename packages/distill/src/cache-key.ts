import { createHash } from 'node:crypto';

/**
 * Cache key of one distillation: SHA-256 over the prompt version (which also fingerprints the
 * lexicon, see `promptFingerprint`), the model name and the exact report text. A changed prompt,
 * lexicon or model therefore re-distils; an unchanged one reuses the journal.
 */
export function cacheKey(promptVersion: string, model: string, text: string): string {
  return createHash('sha256')
    .update(JSON.stringify([promptVersion, model, text]))
    .digest('hex');
}
