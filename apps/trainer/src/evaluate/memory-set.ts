/**
 * Downstream images held in memory: each image decoded, resized and normalised
 * once (the paper's downstream transform, one grey channel kept), with its
 * classification labels, an optional segmentation mask and detection boxes at
 * the same resolution. Every evaluation of every encoder then reads the same
 * arrays instead of decoding PNGs again — what makes dozens of evaluations
 * (the evidence benchmark) fit on a CPU.
 */
import { downstreamTransform, openImage, transformMask, type TransformGeometry } from '@ecamp/data';
import { tf } from '@ecamp/core';

/** One image to load. */
export interface MemoryRecord {
  imagePath: string;
  /** Multi-hot labels. */
  labels: number[];
  /** A mask image (non-zero = foreground) of the same size as the image, when segmentation is wanted. */
  maskPath?: string;
  /** Boxes `[x1, y1, x2, y2]` in source pixels, when detection is wanted (may be empty). */
  boxes?: [number, number, number, number][];
}

/** Images, labels, masks and boxes of one list, in memory. */
export interface MemorySet {
  /** Side S of every image and mask. */
  size: number;
  /** N. */
  count: number;
  /** C. */
  numLabels: number;
  imagePaths: string[];
  /** [N, S, S] normalised grey pixels (the three channels of the paper's transform are equal). */
  pixels: Float32Array;
  /** [N, C] 0/1. */
  labels: Float32Array;
  /** [N, S, S] 0/1 when every record had a mask. */
  masks?: Uint8Array;
  /** Per image, boxes in output pixels (continuous coordinates, x2/y2 exclusive), when every record had boxes. */
  boxes?: [number, number, number, number][][];
}

/** Maps a source box through a resize geometry (no crop offset needed: the downstream transform resizes the whole image). */
function scaleBox(b: [number, number, number, number], g: TransformGeometry): [number, number, number, number] {
  const sx = g.outSize.width / g.crop.w;
  const sy = g.outSize.height / g.crop.h;
  return [(b[0] - g.crop.x) * sx, (b[1] - g.crop.y) * sy, (b[2] - g.crop.x) * sx, (b[3] - g.crop.y) * sy];
}

/**
 * Loads `records` at `size` (the downstream transform: whole image resized, mean 0.4722 /
 * std 0.3028). `concurrency` images decode at once. Errors name the image.
 */
export async function loadMemorySet(records: readonly MemoryRecord[], options: { size?: number; concurrency?: number } = {}): Promise<MemorySet> {
  const size = options.size ?? 224;
  const n = records.length;
  if (n === 0) throw new Error('loadMemorySet: no records');
  const numLabels = records[0].labels.length;
  const withMasks = records.every((r) => r.maskPath !== undefined);
  const withBoxes = records.every((r) => r.boxes !== undefined);
  const plane = size * size;
  const pixels = new Float32Array(n * plane);
  const labels = new Float32Array(n * numLabels);
  const masks = withMasks ? new Uint8Array(n * plane) : undefined;
  const boxes: [number, number, number, number][][] | undefined = withBoxes ? new Array(n) : undefined;
  let next = 0;
  const worker = async () => {
    const out = new Float32Array(plane * 3);
    while (next < n) {
      const k = next++;
      const r = records[k];
      if (r.labels.length !== numLabels) throw new Error(`loadMemorySet: ${r.imagePath} has ${r.labels.length} labels, the first record ${numLabels}`);
      const img = await openImage(r.imagePath);
      const t = await downstreamTransform(img, { size, out });
      for (let i = 0; i < plane; i++) pixels[k * plane + i] = out[i * 3];
      labels.set(r.labels, k * numLabels);
      if (masks) masks.set(await transformMask(await openImage(r.maskPath!), t), k * plane);
      if (boxes) boxes[k] = r.boxes!.map((b) => scaleBox(b, t));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { size, count: n, numLabels, imagePaths: records.map((r) => r.imagePath), pixels, labels, masks, boxes };
}

/** Rows `rows` of a set as a new set (arrays copied). */
export function subsetMemorySet(set: MemorySet, rows: readonly number[]): MemorySet {
  const plane = set.size * set.size;
  const pixels = new Float32Array(rows.length * plane);
  const labels = new Float32Array(rows.length * set.numLabels);
  const masks = set.masks ? new Uint8Array(rows.length * plane) : undefined;
  rows.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 0 || r >= set.count) throw new Error(`subsetMemorySet: row ${r} outside [0, ${set.count})`);
    pixels.set(set.pixels.subarray(r * plane, (r + 1) * plane), k * plane);
    labels.set(set.labels.subarray(r * set.numLabels, (r + 1) * set.numLabels), k * set.numLabels);
    masks?.set(set.masks!.subarray(r * plane, (r + 1) * plane), k * plane);
  });
  return {
    size: set.size,
    count: rows.length,
    numLabels: set.numLabels,
    imagePaths: rows.map((r) => set.imagePaths[r]),
    pixels,
    labels,
    masks,
    boxes: set.boxes ? rows.map((r) => set.boxes![r].map((b) => [...b] as [number, number, number, number])) : undefined,
  };
}

/** Images `rows` as a [B, S, S, 3] tensor (the grey plane repeated, as the paper's grey → 3 channels). */
export function imagesOf(set: MemorySet, rows: readonly number[]): tf.Tensor4D {
  const plane = set.size * set.size;
  const grey = new Float32Array(rows.length * plane);
  rows.forEach((r, k) => grey.set(set.pixels.subarray(r * plane, (r + 1) * plane), k * plane));
  return tf.tidy(() => tf.tile(tf.tensor4d(grey, [rows.length, set.size, set.size, 1]), [1, 1, 1, 3])) as tf.Tensor4D;
}

/** Masks `rows` as a [B, S, S, 1] float tensor of 0/1. */
export function masksOf(set: MemorySet, rows: readonly number[]): tf.Tensor4D {
  if (!set.masks) throw new Error('masksOf: the set was loaded without masks');
  const plane = set.size * set.size;
  const m = new Float32Array(rows.length * plane);
  rows.forEach((r, k) => {
    for (let i = 0; i < plane; i++) m[k * plane + i] = set.masks![r * plane + i];
  });
  return tf.tensor4d(m, [rows.length, set.size, set.size, 1]);
}

/** Labels of `rows`, row-major [B·C]. */
export function labelsOf(set: MemorySet, rows: readonly number[]): number[] {
  const c = set.numLabels;
  return rows.flatMap((r) => Array.from(set.labels.subarray(r * c, (r + 1) * c)));
}

/** Rows 0..n−1 in batches of `batchSize` (in order, or shuffled by `order`). */
export function batchRows(n: number, batchSize: number, order?: readonly number[]): number[][] {
  const rows = order ? [...order] : Array.from({ length: n }, (_, i) => i);
  if (rows.length !== n) throw new Error(`batchRows: order has ${rows.length} entries for ${n} rows`);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) out.push(rows.slice(i, i + batchSize));
  return out;
}
