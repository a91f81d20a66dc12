/**
 * The pre-training loader: seeded shuffling, batching, and decode + augment
 * ahead of the consumer on sharp's thread pool, with bounded memory
 * (at most `lookahead` samples decoded but not yet consumed) and a resumable
 * {@link LoaderPosition}.
 *
 * A bad image (missing, corrupt, or outside the size limits, checked on its
 * header before decoding) is reported once to the {@link BadSampleLog} and
 * skipped in this and every later epoch; the batch is refilled from the next
 * records, so every good record is still yielded, in order. An epoch that
 * cannot give a single batch is an error (it would otherwise loop forever).
 *
 * Batches hold plain typed arrays (`images`: float32 NHWC `[B, H, W, 3]`);
 * `batchToTensors` in `@ecamp/data/tensors` turns one into tf tensors.
 */
import sharp from 'sharp';
import type { TransformGeometry } from '../image/geometry.js';
import { ImageInputError, type ImageLimits } from '../image/limits.js';
import { openImage, type ImageInfo } from '../image/source.js';
import { downstreamTransform, pretrainTransform, type PretrainTransformOptions } from '../image/transforms.js';
import { BadSampleLog, type OnBadSample } from '../readers/bad-samples.js';
import type { ClassificationRecord } from '../readers/downstream.js';
import type { PretrainRecord } from '../readers/types.js';
import type { Rng } from '@ecamp/io';
import type { ContextWindow } from '../synth/window.js';
import { epochOrder, sampleRng, validatePosition, type LoaderPosition } from './position.js';

/** What the loader reads: a pre-training record, or any image with optional text and labels. */
export type LoaderRecord = Omit<PretrainRecord, 'report'> & { report?: string };

/** Turns classification list records into loader records (id = file name without extension, no report). */
export function classificationLoaderRecords(records: ClassificationRecord[]): LoaderRecord[] {
  return records.map((r) => ({ id: r.imagePath.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''), imagePath: r.imagePath, labels: r.labels, origin: r.origin }));
}

/** One batch. */
export interface Batch {
  /** Float32 NHWC `[size, height, width, 3]`, normalised. */
  images: Float32Array;
  /** Number of samples (B). */
  size: number;
  height: number;
  width: number;
  ids: string[];
  /** Report texts ('' for records without one, e.g. downstream images). */
  reports: string[];
  /** Entity contexts (undefined where a record has none). */
  contexts: (string | undefined)[];
  /** Geometry each image went through (crop in source pixels, flip). */
  geometry: TransformGeometry[];
  /** Context windows as given by the records (NOT mapped through the geometry), when every record has one. */
  windows?: ContextWindow[];
  /** Multi-hot labels, when every record has them. */
  labels?: number[][];
  /** Position after this batch: save it with the checkpoint and pass it back to resume. */
  position: LoaderPosition;
}

/** Options of {@link Loader}. */
export interface LoaderOptions {
  records: LoaderRecord[];
  batchSize: number;
  seed: number;
  /** Output side (default 448 for pre-training, 224 for downstream). */
  size?: number;
  /** `pretrain` (default): random-resized crop + flip; `downstream`: resize, no randomness. */
  mode?: 'pretrain' | 'downstream';
  /** Extra pre-training transform options (scale, ratio, flip probability, norm). */
  transform?: Omit<PretrainTransformOptions, 'out' | 'offset' | 'size'>;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  /** Drop a last partial batch of an epoch (default true). */
  dropLast?: boolean;
  /** Number of epochs to run (default Infinity). */
  epochs?: number;
  /** Samples decoded ahead of the consumer (default 2 batches, at least 4). Bounds memory. */
  lookahead?: number;
  /** Start from a saved position. */
  position?: LoaderPosition;
  /** Bad images: `skip` (default) or `fail`. */
  onBadSample?: OnBadSample;
  /** Image size limits, checked on each header before decoding (default `DEFAULT_IMAGE_LIMITS`). */
  imageLimits?: Partial<ImageLimits>;
  /** Log for skipped samples (shared with the readers for one run summary). */
  badSamples?: BadSampleLog;
  /** Turn off sharp's operation cache (default true: every image is read once per epoch, caching only costs memory). */
  disableSharpCache?: boolean;
}

interface Decoded {
  pixels: Float32Array;
  geometry: TransformGeometry;
}

interface Failure {
  failure: 'missing-image' | 'corrupt-image' | 'image-size';
  message: string;
}

/** Seeded, prefetching, resumable batch loader over pre-training records. */
export class Loader implements AsyncIterable<Batch> {
  readonly batchSize: number;
  readonly size: number;
  readonly badSamples: BadSampleLog;
  private readonly opts: LoaderOptions;
  private pos: LoaderPosition;
  /** Header info per image path, so later epochs skip the metadata read. */
  private readonly infoCache = new Map<string, ImageInfo>();
  /** Records (by index into `records`) that failed once: later epochs skip them without a second report. */
  private readonly failed = new Set<number>();

  constructor(options: LoaderOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
      throw new Error(`Loader: batchSize must be a positive integer, got ${options.batchSize}`);
    if (options.records.length === 0) throw new Error('Loader: no records');
    this.opts = options;
    this.batchSize = options.batchSize;
    this.size = options.size ?? (options.mode === 'downstream' ? 224 : 448);
    this.badSamples = options.badSamples ?? new BadSampleLog(options.onBadSample ?? 'skip');
    if (options.disableSharpCache ?? true) sharp.cache(false);
    const n = options.records.length;
    if (options.position) {
      const p = validatePosition(options.position, n);
      if (p.seed !== options.seed) throw new Error(`Loader: position was saved with seed ${p.seed}, loader seed is ${options.seed}`);
      this.pos = { ...p };
    } else {
      this.pos = { seed: options.seed, epoch: 0, index: 0, orderRngState: epochOrder(options.seed, 0, n, options.shuffle ?? true).state };
    }
  }

  /** The position of the next batch (serialisable; save it with checkpoints). */
  get position(): LoaderPosition {
    return { ...this.pos, orderRngState: [...this.pos.orderRngState] as LoaderPosition['orderRngState'] };
  }

  /** Decodes one record; a bad image comes back as its reason and message (reported by the consumer, in order). */
  private async decode(rec: LoaderRecord, recordIndex: number, rng: Rng): Promise<Decoded | Failure | null> {
    if (this.failed.has(recordIndex)) return null;
    try {
      const img = await openImage(rec.imagePath, rec.imagePath, this.infoCache.get(rec.imagePath), { limits: this.opts.imageLimits });
      if (!this.infoCache.has(rec.imagePath)) {
        this.infoCache.set(rec.imagePath, { width: img.width, height: img.height, channels: img.channels, bitDepth: img.bitDepth });
      }
      if (this.opts.mode === 'downstream') {
        const r = await downstreamTransform(img, { size: this.size });
        return { pixels: r.pixels, geometry: r };
      }
      const r = await pretrainTransform(img, rng, { ...this.opts.transform, size: this.size });
      return { pixels: r.view448, geometry: r };
    } catch (err) {
      const message = (err as Error).message;
      const reason =
        err instanceof ImageInputError
          ? err.reason
          : /ENOENT|no such file|cannot read image file|does not exist|file is missing/i.test(message)
            ? 'missing-image'
            : 'corrupt-image';
      return { failure: reason, message };
    }
  }

  /** Yields batches until `epochs` are done; each batch carries the position after it. */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const records = this.opts.records;
    const n = records.length;
    const B = this.batchSize;
    const S = this.size;
    const per = S * S * 3;
    const epochs = this.opts.epochs ?? Infinity;
    const shuffle = this.opts.shuffle ?? true;
    const dropLast = this.opts.dropLast ?? true;
    const lookahead = Math.max(4, this.opts.lookahead ?? 2 * B);
    while (this.pos.epoch < epochs) {
      const epoch = this.pos.epoch;
      const { order, state } = epochOrder(this.pos.seed, epoch, n, shuffle);
      this.pos.orderRngState = state;
      const wholeEpoch = this.pos.index === 0;
      let next = this.pos.index;
      let decoded = 0;
      let yielded = 0;
      const pending: { index: number; result: Promise<Decoded | Failure | null> }[] = [];
      const fill = () => {
        while (pending.length < lookahead && next < n) {
          const index = next++;
          const result = this.decode(records[order[index]], order[index], sampleRng(this.pos.seed, epoch, index));
          // Should a decode ever reject, mark it handled now (it is awaited in order below): a rejection
          // behind one that already ended the iteration, never awaited, would end the process.
          result.catch(() => {});
          pending.push({ index, result });
        }
      };
      let items: { rec: LoaderRecord; d: Decoded }[] = [];
      const emit = (afterIndex: number): Batch => {
        const images = new Float32Array(items.length * per);
        items.forEach((it, k) => images.set(it.d.pixels, k * per));
        const recs = items.map((it) => it.rec);
        const end = afterIndex >= n;
        this.pos = end
          ? { seed: this.pos.seed, epoch: epoch + 1, index: 0, orderRngState: epochOrder(this.pos.seed, epoch + 1, n, shuffle).state }
          : { ...this.pos, epoch, index: afterIndex };
        const batch: Batch = {
          images,
          size: items.length,
          height: S,
          width: S,
          ids: recs.map((r) => r.id),
          reports: recs.map((r) => r.report ?? ''),
          contexts: recs.map((r) => r.context),
          geometry: items.map((it) => it.d.geometry),
          position: this.position,
        };
        if (recs.every((r) => r.window)) batch.windows = recs.map((r) => r.window!);
        if (recs.every((r) => r.labels)) batch.labels = recs.map((r) => r.labels!);
        items = [];
        return batch;
      };
      fill();
      while (pending.length > 0) {
        const head = pending.shift()!;
        fill();
        const d = await head.result;
        const rec = records[order[head.index]];
        if (d && 'failure' in d) {
          // Reported here, in record order: the log (and, under 'fail', the error) does not depend on decode timing.
          this.failed.add(order[head.index]);
          this.badSamples.report(d.failure, { file: rec.origin.file, line: rec.origin.line, field: 'image' }, d.message);
        } else if (d) {
          decoded++;
          items.push({ rec, d });
        }
        if (items.length === B) {
          yielded++;
          yield emit(head.index + 1);
        }
      }
      if (items.length > 0 && !dropLast) {
        yielded++;
        yield emit(n);
      } else if (this.pos.epoch === epoch) {
        // The epoch ended without a full batch at its end: move to the next epoch.
        this.pos = { seed: this.pos.seed, epoch: epoch + 1, index: 0, orderRngState: epochOrder(this.pos.seed, epoch + 1, n, shuffle).state };
      }
      if (wholeEpoch && yielded === 0) {
        // Every later epoch would be the same: stop instead of looping forever.
        throw new Error(
          `Loader: epoch ${epoch} gave no batch: ${decoded} of ${n} records decoded, batch size ${B}${dropLast && decoded > 0 ? ' (a last partial batch is dropped)' : ''}; ${String(this.badSamples)}`,
        );
      }
    }
  }
}
