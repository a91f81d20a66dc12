/**
 * Inserting the distilled entity-centred context into a report (method §2).
 *
 * With probability `p` (0.8 in the paper) the context goes in at a sentence boundary
 * drawn uniformly from 0..S (S = number of sentences: 0 = before the first, S = after
 * the last); otherwise the raw report is used unchanged.
 */
import { closeSentence, splitSentences } from '@ecamp/io';

/** The random source masking and insertion draw from (core's `Rng` satisfies it). */
export interface TextRng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Result of {@link insertContext}. */
export interface ContextInsertion {
  /** The text to tokenise. */
  text: string;
  /** Whether the context went in. */
  inserted: boolean;
  /** The sentence boundary used (0..S), or −1 when not inserted. */
  boundary: number;
}

/**
 * Insert `context` into `report` with probability `p` at a uniformly random sentence
 * boundary, joining sentences with single spaces and closing the context (and a
 * report's unterminated last sentence) with a full stop.
 * Draws exactly one uniform, plus one integer when it inserts.
 */
export function insertContext(report: string, context: string | undefined, rng: TextRng, p = 0.8): ContextInsertion {
  if (!(p >= 0 && p <= 1)) throw new Error(`insertContext: probability must be in [0, 1], got ${p}`);
  const ctx = context === undefined ? '' : closeSentence(context.replace(/\s+/g, ' '));
  if (ctx === '') return { text: report, inserted: false, boundary: -1 };
  if (!(rng.uniform() < p)) return { text: report, inserted: false, boundary: -1 };
  const sentences = splitSentences(report).map(closeSentence);
  const boundary = rng.int(sentences.length + 1);
  const parts = [...sentences.slice(0, boundary), ctx, ...sentences.slice(boundary)];
  return { text: parts.join(' '), inserted: true, boundary };
}
