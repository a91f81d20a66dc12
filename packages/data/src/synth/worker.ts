/**
 * Worker-thread entry for parallel synthetic generation: receives
 * `{ seed, index, size }` messages and answers `{ index, sample }` with the
 * sample's buffers transferred (not copied).
 */
import { parentPort } from 'node:worker_threads';
import { synthesizeSample } from './sample.js';

if (!parentPort) throw new Error('synth worker: must run in a worker thread');
const port = parentPort;
port.on('message', (msg: { seed: number; index: number; size: number }) => {
  try {
    const sample = synthesizeSample(msg.seed, msg.index, { size: msg.size });
    const transfer = [sample.image.buffer, sample.lungMask.buffer, ...sample.findings.map((f) => f.mask.buffer)] as ArrayBuffer[];
    port.postMessage({ index: msg.index, sample }, transfer);
  } catch (err) {
    port.postMessage({ index: msg.index, error: (err as Error).message });
  }
});
