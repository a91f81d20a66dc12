/**
 * Runs one configuration fuzz case (the worker entry): loads the file with
 * its --set overrides and answers with the value at the case's path, or the
 * pre-training records and skip counts, or the first batch; every error is
 * caught and returned for the test to judge.
 */
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { LoaderBatchSource, prepareRunData } from '../../src/run/data.js';
import type { Logger } from '../../src/run/logger.js';
import type { ConfigOp } from './config-corpus.js';

/** What a run gave. */
export interface ConfigObservation {
  value?: unknown;
  records?: string[];
  skips?: Record<string, number>;
  error?: { name: string; message: string };
}

const quiet: Logger = { info: () => {}, warn: () => {}, progress: () => {} };

export async function runCase(input: { root: string; op: ConfigOp }): Promise<ConfigObservation> {
  const { op, root } = input;
  // BadSampleLog's default logger prints skip lines: keep the worker quiet.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const config = loadConfig(join(root, op.file), op.sets);
    if (op.kind === 'load') return { value: op.path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config) };
    const data = await prepareRunData(config, quiet);
    if (op.kind === 'data') return { records: data.records.map((r) => r.id), skips: data.badSamples.summary() as Record<string, number> };
    const source = new LoaderBatchSource(data.records, config, data.badSamples);
    try {
      const b = await source.next();
      return { records: b.ids, skips: source.skipped() };
    } finally {
      await source.close();
    }
  } catch (err) {
    return { error: err instanceof Error ? { name: err.name, message: err.message } : { name: typeof err, message: String(err) } };
  } finally {
    console.warn = warn;
  }
}
