// Runs test cases one at a time in a worker thread, each under its own time limit, so that a case
// that hangs (even in a synchronous loop), throws outside any promise, or exhausts its memory is
// recorded as such and the remaining cases still run (in a fresh worker). The fuzz corpora of
// @ecamp/data and @ecamp/trainer run through it.
import { Worker } from 'node:worker_threads';

// The worker: registers tsx when the entry is TypeScript, imports the entry, then answers
// { k, input } with { k, result } (or { k, thrown } when runCase throws).
const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  const mod = await import(workerData.entry);
  parentPort.on('message', async ({ k, input }) => {
    try {
      parentPort.postMessage({ k, result: await mod.runCase(input) });
    } catch (e) {
      parentPort.postMessage({ k, thrown: { name: (e && e.name) || typeof e, message: (e && e.message) || String(e) } });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ bootError: String((e && e.stack) || e) }));
`;

function tsxApiUrl() {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    throw new Error('runIsolated: a TypeScript entry needs tsx (a root devDependency)');
  }
}

/**
 * Runs `runCase(input)` of the module `entry` (a file URL) for every input, in order, each with
 * `timeoutMs`; returns one outcome per input: `{ status: 'ok', value, ms }`, `{ status: 'threw',
 * error, ms }`, `{ status: 'timeout', ms }` or `{ status: 'crashed', error, ms }`. After a timeout
 * or a crash the worker is replaced. `execArgv` (e.g. `['--conditions=source']`) and
 * `maxOldGenerationSizeMb` (default 1024) apply to the worker.
 */
export async function runIsolated(inputs, options) {
  const { entry, timeoutMs, execArgv = [], maxOldGenerationSizeMb = 1024, bootTimeoutMs = 120_000 } = options;
  const tsxApi = entry.endsWith('.ts') ? tsxApiUrl() : null;
  let worker = null;
  const boot = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(BOOT, { eval: true, workerData: { tsxApi, entry }, execArgv, resourceLimits: { maxOldGenerationSizeMb } });
      const timer = setTimeout(() => fail(new Error(`runIsolated: worker did not start within ${bootTimeoutMs} ms`)), bootTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', fail);
        w.off('exit', onExit);
      };
      function fail(err) {
        cleanup();
        void w.terminate();
        reject(err);
      }
      function onMessage(m) {
        if (m && m.bootError) return fail(new Error(`runIsolated: ${entry} did not load: ${m.bootError}`));
        if (m && m.ready) {
          cleanup();
          resolve(w);
        }
      }
      function onExit(code) {
        fail(new Error(`runIsolated: worker exited with code ${code} while starting`));
      }
      w.on('message', onMessage);
      w.on('error', fail);
      w.on('exit', onExit);
    });
  const results = [];
  try {
    for (let k = 0; k < inputs.length; k++) {
      if (!worker) worker = await boot();
      const w = worker;
      const t0 = performance.now();
      const outcome = await new Promise((resolve) => {
        const timer = setTimeout(() => done({ status: 'timeout' }), timeoutMs);
        function done(r) {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          resolve(r);
        }
        function onMessage(m) {
          if (m.k !== k) return;
          done(m.thrown ? { status: 'threw', error: m.thrown } : { status: 'ok', value: m.result });
        }
        function onError(e) {
          done({ status: 'crashed', error: { name: (e && e.name) || 'Error', message: (e && e.message) || String(e) } });
        }
        function onExit(code) {
          done({ status: 'crashed', error: { name: 'exit', message: `worker exited with code ${code}` } });
        }
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ k, input: inputs[k] });
      });
      outcome.ms = performance.now() - t0;
      if (outcome.status === 'timeout' || outcome.status === 'crashed') {
        worker = null;
        await w.terminate();
      }
      results.push(outcome);
    }
  } finally {
    if (worker) await worker.terminate();
  }
  return results;
}
