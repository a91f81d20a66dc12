/**
 * Runs one fuzz case (the worker entry of the fuzz harness): builds a
 * BadSampleLog with the case's policy that records its lines, runs the op,
 * and answers with what happened. Every error is caught and returned: whether
 * it is the right one is for the test to judge.
 */
import { join } from 'node:path';
import {
  BadSampleLog,
  Loader,
  downstreamTransform,
  openImage,
  readAuthorsCsv,
  readBoxCsv,
  readClassificationList,
  readFfaIr,
  readIuXray,
  readMaskCsv,
  readMimicCxr,
  readSiimCsv,
  siimRecordMask,
  type LoaderRecord,
} from '../../src/index.js';
import type { Observation, RunInput } from './types.js';

const stem = (p: string) => p.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');

async function run(input: RunInput, log: BadSampleLog): Promise<Pick<Observation, 'records' | 'info'>> {
  const { op, root } = input;
  const at = (p: string) => join(root, p);
  const opts = { badSamples: log };
  switch (op.reader) {
    case 'authors':
      return {
        records: readAuthorsCsv({
          csvPath: at(op.csv),
          windowsCsvPath: op.windows && at(op.windows),
          labelColumns: op.labels,
          imageRoot: at(op.imageRoot),
          ...opts,
        }).map((r) => `${r.id}${r.window ? `@${r.window.i}${r.window.j}` : ''}${r.labels ? `:${r.labels.join('')}` : ''}`),
      };
    case 'iu':
      return { records: readIuXray({ reportsCsv: at(op.reports), projectionsCsv: at(op.projections), imageRoot: at(op.imageRoot), ...opts }).map((r) => r.id) };
    case 'mimic':
      return {
        records: readMimicCxr({
          root: at(op.root),
          splitCsv: at(op.split),
          metadataCsv: op.metadata && at(op.metadata),
          views: op.metadata ? undefined : [],
          ...opts,
        }).map((r) => r.id),
      };
    case 'ffa':
      return { records: readFfaIr({ annotationJson: at(op.json), imageRoot: at(op.imageRoot), ...opts }).map((r) => r.id) };
    case 'list':
      return { records: readClassificationList(at(op.file), { imageRoot: at(op.imageRoot), ...opts }).map((r) => `${stem(r.imagePath)}:${r.labels.join('')}`) };
    case 'siim': {
      const recs = readSiimCsv(at(op.file), { imageRoot: at(op.imageRoot), ...opts });
      // Masks are decoded when the segmentation set is built: a bad run is found there.
      return { records: recs.map((r) => `${r.id}:${siimRecordMask(r, op.width, op.height).reduce((s, v) => s + v, 0)}`) };
    }
    case 'boxes':
      return { records: readBoxCsv(at(op.file), { imageRoot: at(op.imageRoot), ...opts }).map((r) => `${stem(r.imagePath)}:${r.boxes.length}`) };
    case 'masks':
      return { records: readMaskCsv(at(op.file), { imageRoot: at(op.imageRoot), ...opts }).map((r) => stem(r.imagePath)) };
    case 'loader': {
      const records: LoaderRecord[] = op.images.map((p, k) => ({ id: stem(p), imagePath: at(p), origin: { file: at(op.list), line: k + 2 } }));
      // As the trainer runs it: no epoch limit (it cycles forever); one epoch is read, then the loop is left.
      const loader = new Loader({ records, batchSize: 2, seed: 0, size: 32, mode: 'downstream', shuffle: false, dropLast: false, badSamples: log });
      const ids: string[] = [];
      for await (const b of loader) {
        if (b.images.some((v) => !Number.isFinite(v))) throw new Error(`non-finite pixels in the batch of ${b.ids.join(', ')}`);
        ids.push(...b.ids);
        if (b.position.epoch >= 1) break;
      }
      return { records: ids };
    }
    case 'open': {
      const img = await openImage(at(op.image));
      const raw = await img
        .pipeline()
        .raw(img.bitDepth === 16 ? { depth: 'ushort' } : {})
        .toBuffer();
      const view = img.bitDepth === 16 ? new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2) : raw;
      const t = await downstreamTransform(img, { size: 32 });
      if (t.pixels.some((v) => !Number.isFinite(v))) throw new Error('non-finite pixels after the transform');
      return {
        records: [stem(op.image)],
        info: { width: img.width, height: img.height, channels: img.channels, bitDepth: img.bitDepth, samples: Array.from(view.subarray(0, 4)) },
      };
    }
  }
}

/** The worker entry: never throws (an error is part of the observation). */
export async function runCase(input: RunInput): Promise<Observation> {
  const lines: string[] = [];
  const log = new BadSampleLog(input.policy, (l) => lines.push(l), Infinity);
  try {
    const r = await run(input, log);
    return { ...r, skips: log.summary() as Record<string, number>, lines };
  } catch (err) {
    const e = err instanceof Error ? { name: err.name, message: err.message } : { name: typeof err, message: String(err) };
    return { error: e, skips: log.summary() as Record<string, number>, lines };
  }
}
