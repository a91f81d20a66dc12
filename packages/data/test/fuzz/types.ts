/**
 * Shared shapes of the fuzz corpus: what each case runs (an {@link Op},
 * plain data so it can cross into the worker that runs it), what it must
 * give under each bad-sample policy (an {@link Expected}), and what it gave
 * (an {@link Observation}).
 */
import type { OnBadSample } from '../../src/readers/bad-samples.js';

/** What a case runs; paths are relative to the corpus root. */
export type Op =
  | { reader: 'authors'; csv: string; windows?: string; labels?: string[]; imageRoot: string }
  | { reader: 'iu'; reports: string; projections: string; imageRoot: string }
  | { reader: 'mimic'; root: string; split: string; metadata?: string }
  | { reader: 'ffa'; json: string; imageRoot: string }
  | { reader: 'list'; file: string; imageRoot: string }
  | { reader: 'siim'; file: string; imageRoot: string; width: number; height: number }
  | { reader: 'boxes'; file: string; imageRoot: string }
  | { reader: 'masks'; file: string; imageRoot: string }
  /** The loader (downstream mode, 32 px, batch 2, in order, last batch kept, no epoch limit: one epoch read) over these images, listed in `list` from line 2 on. */
  | { reader: 'loader'; list: string; images: string[] }
  /** openImage, then the raw samples of the decoded image (first four) and a 32 px downstream transform. */
  | { reader: 'open'; image: string };

/** One run of a case: its op, the corpus root and the policy. */
export interface RunInput {
  root: string;
  policy: OnBadSample;
  op: Op;
}

/** What a run gave (the worker's answer). */
export interface Observation {
  /** Ids (or image names) returned or yielded, in order. */
  records?: string[];
  /** The bad-sample counts (BadSampleLog.summary()). */
  skips?: Record<string, number>;
  /** The `[skip] …` lines logged. */
  lines?: string[];
  /** The error that ended the run. */
  error?: { name: string; message: string };
  /** For `open`: the header and the first samples at the source's depth. */
  info?: { width: number; height: number; channels: number; bitDepth: number; samples: number[] };
}

/** A bad sample a case must report: where (file relative to the case, line, field), the reason and the detail's start. */
export interface BadAt {
  file: string;
  line?: number;
  field?: string;
  reason: string;
  detail: RegExp;
}

/** Where an error must point: a file of the case, and the line and field when it has them. */
export interface ErrorAt {
  file: string;
  line?: number;
  field?: string;
}

/** What a case must give. */
export type Expected =
  /** Under `skip`: exactly these records, in order, and exactly these bad samples, in order (counted and logged); under `fail`: an error naming the first. */
  | { kind: 'records'; records: string[]; bad: BadAt[]; info?: Observation['info'] }
  /** An error that starts with `<file>[:line][ (field "f")]: ` (when `at` is given) and whose rest matches `message`. */
  | { kind: 'error'; at?: ErrorAt; message: RegExp };

/** One case of the corpus. */
export interface FuzzCase {
  /** `group/name`, also the case's folder under the corpus root. */
  id: string;
  /** What is wrong (or special) about the input. */
  what: string;
  op: Op;
  /** One expectation for both policies (a `records` one implies the `fail` error), or one per policy. */
  expect: Expected | { skip: Expected; fail: Expected };
}
