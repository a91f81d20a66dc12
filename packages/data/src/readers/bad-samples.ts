/**
 * Policy and bookkeeping for bad input: a missing, corrupt or out-of-limits
 * image, an unreadable row, a bad value, an empty or binary report, a
 * duplicated row. With `skip` (default) the sample is left
 * out, one line is logged and the run summary counts it by reason; with
 * `fail` an error names the file, line and field. Never a silent wrong sample.
 */

/** What to do with a bad sample. */
export type OnBadSample = 'skip' | 'fail';

/** Why a sample was bad. */
export type BadSampleReason =
  /** The image file does not exist (or is not a file). */
  | 'missing-image'
  /** The image cannot be decoded: truncated, corrupt, unsupported. */
  | 'corrupt-image'
  /** The image header gives a size outside the limits (refused before decoding). */
  | 'image-size'
  /** A row that cannot be split into the header's fields (quoting, field count). */
  | 'unreadable-row'
  /** A required value is empty or absent. */
  | 'missing-field'
  /** A value of the wrong kind or out of range (a label, a window offset, a box, an RLE). */
  | 'bad-value'
  /** No report text (after section extraction). */
  | 'empty-report'
  /** NUL or control bytes, or bytes that are not UTF-8, in a field or a report file. */
  | 'binary-data'
  /** A row whose key (image path, id) an earlier row already had; the first is kept. */
  | 'duplicate'
  /** A row that refers to something another file lacks (an id absent from the metadata). */
  | 'no-match';

/** Where a bad sample came from. */
export interface BadSampleWhere {
  file: string;
  /** 1-based line number in `file`, when known. */
  line?: number;
  /** Column / field name, when known. */
  field?: string;
}

/** Error thrown under the `fail` policy; its message names file, line and field. */
export class BadSampleError extends Error {
  constructor(
    readonly reason: BadSampleReason,
    readonly where: BadSampleWhere,
    detail: string,
  ) {
    super(`${formatWhere(where)}: ${reason}: ${detail}`);
    this.name = 'BadSampleError';
  }
}

/** `file:line (field "x")`. */
export function formatWhere(w: BadSampleWhere): string {
  return `${w.file}${w.line !== undefined ? `:${w.line}` : ''}${w.field ? ` (field "${w.field}")` : ''}`;
}

/** Counts skipped samples by reason and applies the policy. */
export class BadSampleLog {
  private readonly counts = new Map<BadSampleReason, number>();
  private readonly examples: string[] = [];

  /**
   * @param policy `skip` logs and counts, `fail` throws.
   * @param log where skip lines go (default console.warn); pass `() => {}` to silence.
   * @param maxLogged how many skip lines to print before only counting.
   */
  constructor(
    readonly policy: OnBadSample = 'skip',
    private readonly log: (line: string) => void = (l) => console.warn(l),
    private readonly maxLogged = 20,
  ) {}

  /** Records a bad sample; throws {@link BadSampleError} under `fail`. */
  report(reason: BadSampleReason, where: BadSampleWhere, detail: string): void {
    const err = new BadSampleError(reason, where, detail);
    if (this.policy === 'fail') throw err;
    const n = (this.counts.get(reason) ?? 0) + 1;
    this.counts.set(reason, n);
    if (this.examples.length < this.maxLogged) {
      this.examples.push(err.message);
      this.log(`[skip] ${err.message}`);
    }
  }

  /** Skips per reason. */
  summary(): Partial<Record<BadSampleReason, number>> {
    return Object.fromEntries(this.counts);
  }

  /** Total skips. */
  get total(): number {
    let t = 0;
    for (const v of this.counts.values()) t += v;
    return t;
  }

  /** One line for a run summary, e.g. `skipped 3 (missing-image 2, empty-report 1)`. */
  toString(): string {
    if (this.total === 0) return 'skipped 0';
    return `skipped ${this.total} (${[...this.counts].map(([r, n]) => `${r} ${n}`).join(', ')})`;
  }
}
