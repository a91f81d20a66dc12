/**
 * From samples to the batches the `@ecamp/downstream` loops take: images decoded a batch
 * ahead of the consumer, bad samples reported once (skipped and counted, or an error naming
 * the list file, line and field), and — when the encoder is frozen and the images are not
 * augmented — every image encoded once into a token cache that serves all epochs.
 */
import { tf } from '@ecamp/core';
import type { BadSampleLog } from '@ecamp/data';
import { prefixTokens, type Box, type FeatureEncoder } from '@ecamp/downstream';
import { rowIndexImages, type TokenCache } from '../evaluate/cached-encoder.js';
import { classIndex, type LabelSpace, type Sample } from './data.js';
import { decodeSample, SampleError, type DecodeSettings, type DecodedSample } from './images.js';

/** Decoded samples of one batch, with their positions in the split. */
export interface DecodedBatch {
  indices: number[];
  samples: DecodedSample[];
}

/** One split's samples and the bookkeeping of those that failed to decode. */
export class SampleSet {
  /** Positions whose image or mask failed once: reported then, skipped silently after. */
  private readonly failed = new Set<number>();

  constructor(
    readonly name: string,
    readonly samples: Sample[],
    private readonly badSamples: BadSampleLog,
  ) {}

  get size(): number {
    return this.samples.length;
  }

  /** Decodes the samples at `indices` (concurrently), leaving out and reporting those that fail. */
  async decode(indices: number[], settings: DecodeSettings, seed: number, epoch: number): Promise<DecodedBatch> {
    const wanted = indices.filter((i) => !this.failed.has(i));
    const results = await Promise.all(
      wanted.map((i) =>
        decodeSample(this.samples[i], settings, seed, epoch, i).then(
          (d) => ({ i, d }),
          (e: unknown) => ({ i, e }),
        ),
      ),
    );
    const out: DecodedBatch = { indices: [], samples: [] };
    for (const r of results) {
      if ('e' in r) {
        if (!(r.e instanceof SampleError)) throw r.e;
        this.failed.add(r.i);
        this.badSamples.report(r.e.reason, r.e.where, r.e.detail);
        continue;
      }
      out.indices.push(r.i);
      out.samples.push(r.d);
    }
    return out;
  }

  /**
   * The split in batches of `batchSize` positions (in `order`, default 0..n−1), decoded one
   * batch ahead of the consumer. Empty batches (every sample bad) are not yielded.
   */
  async *batches(batchSize: number, settings: DecodeSettings, seed: number, epoch: number, order?: number[]): AsyncGenerator<DecodedBatch> {
    const all = order ?? this.samples.map((_, i) => i);
    const chunks: number[][] = [];
    for (let k = 0; k < all.length; k += batchSize) chunks.push(all.slice(k, k + batchSize));
    let next = chunks.length ? this.decode(chunks[0], settings, seed, epoch) : undefined;
    try {
      for (let k = 0; k < chunks.length; k++) {
        const current = await next!;
        next = k + 1 < chunks.length ? this.decode(chunks[k + 1], settings, seed, epoch) : undefined;
        if (current.indices.length) yield current;
      }
    } finally {
      // A consumer that stops early (or throws) leaves the look-ahead batch behind: let it settle quietly.
      next?.catch(() => undefined);
    }
  }
}

/** [B, S, S, 3] images of a decoded batch. */
export function imagesTensor(batch: DecodedBatch, size: number): tf.Tensor4D {
  const px = new Float32Array(batch.samples.length * size * size * 3);
  batch.samples.forEach((s, k) => px.set(s.pixels, k * size * size * 3));
  return tf.tensor4d(px, [batch.samples.length, size, size, 3]);
}

/** [B, S, S, 1] float masks of a decoded batch. */
export function masksTensor(masks: Uint8Array[], size: number): tf.Tensor4D {
  const m = new Float32Array(masks.length * size * size);
  masks.forEach((s, k) => {
    for (let i = 0; i < s.length; i++) m[k * size * size + i] = s[i];
  });
  return tf.tensor4d(m, [masks.length, size, size, 1]);
}

/** The labels of `samples` as the downstream task wants them: multi-hot rows, or class indices. */
export function labelValues(samples: Sample[], labels: LabelSpace): Float32Array {
  if (labels.mode === 'single-label') return Float32Array.from(samples.map((s) => classIndex(s.labels!)));
  return Float32Array.from(samples.flatMap((s) => s.labels!));
}

/** A split encoded once: tokens of every usable image, and what each row is. */
export interface EncodedSet {
  cache: TokenCache;
  /** Position in the split of each cached row. */
  indices: number[];
  /** Segmentation masks per row. */
  masks?: Uint8Array[];
  /** Detection boxes per row (output pixels). */
  boxes?: Box[][];
}

/**
 * Runs the frozen `encoder` over every image of `set` once, in batches (decoded one batch
 * ahead), and keeps the tokens — plus masks or boxes — per row.
 */
export async function encodeSet(
  set: SampleSet,
  encoder: FeatureEncoder,
  settings: DecodeSettings,
  batchSize: number,
  seed: number,
  onBatch?: (done: number, total: number) => void,
): Promise<EncodedSet> {
  encoder.train?.(false);
  const chunks: Float32Array[] = [];
  const indices: number[] = [];
  const masks: Uint8Array[] = [];
  const boxes: Box[][] = [];
  let shape: [number, number] | undefined;
  for await (const batch of set.batches(batchSize, settings, seed, 0)) {
    const tokens = tf.tidy(() => encoder.forwardFeatures(imagesTensor(batch, settings.size)).tokens);
    shape ??= [tokens.shape[1]!, tokens.shape[2]!];
    chunks.push(tokens.dataSync() as Float32Array);
    tokens.dispose();
    indices.push(...batch.indices);
    for (const s of batch.samples) {
      if (s.mask) masks.push(s.mask);
      if (s.boxes) boxes.push(s.boxes);
    }
    onBatch?.(indices.length, set.size);
  }
  if (!shape) throw new Error(`${set.name}: no image could be decoded (${set.size} listed)`);
  const values = new Float32Array(indices.length * shape[0] * shape[1]);
  let at = 0;
  for (const c of chunks) {
    values.set(c, at);
    at += c.length;
  }
  return {
    cache: { count: indices.length, tokens: shape[0], dim: shape[1], values },
    indices,
    masks: masks.length ? masks : undefined,
    boxes: boxes.length ? boxes : undefined,
  };
}

/** The mean of the patch tokens of every cached row: [N, D] (the features a linear probe sees). */
export function pooledRows(cache: TokenCache, encoder: Pick<FeatureEncoder, 'numPrefixTokens'>): Float32Array {
  const p = prefixTokens(encoder);
  const { count, tokens, dim, values } = cache;
  const out = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    for (let t = p; t < tokens; t++) {
      const o = (r * tokens + t) * dim;
      for (let d = 0; d < dim; d++) out[r * dim + d] += values[o + d];
    }
    for (let d = 0; d < dim; d++) out[r * dim + d] /= tokens - p;
  }
  return out;
}

/** Row indices of a cache in batches (shuffled when `order` is given). */
export function rowBatches(count: number, batchSize: number, order?: number[]): number[][] {
  const rows = order ?? Array.from({ length: count }, (_, i) => i);
  const out: number[][] = [];
  for (let k = 0; k < rows.length; k += batchSize) out.push(rows.slice(k, k + batchSize));
  return out;
}

export { rowIndexImages };
