/**
 * Crash tests of resumable pre-training: `ecamp pretrain` runs in child processes on a shrunk
 * model, is killed with SIGKILL during a step and in the middle of a checkpoint write (an env
 * hook in core's writer holds the write with a torn temp file on disk), or stopped with SIGINT,
 * and is resumed with `--resume`. The final weights and AdamW moments must equal those of a run
 * that never stopped, bit for bit on the cpu backend (≤ 1e-6 elsewhere), and metrics.jsonl must
 * hold every step once with the uninterrupted run's losses.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@ecamp/core';
import { resumeTestSets } from '../../test/pretrain-fixtures.js';
import { loadConfig } from '../config/load.js';
import { ensureSyntheticSet } from '../run/data.js';
import { createLogger } from '../run/logger.js';
import { latestCheckpoint } from './checkpoints.js';

const trainerRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STEPS = 6;
const outDir = mkdtempSync(join(tmpdir(), 'ecamp-resume-'));
// MIM + MLM with dropout (every RNG stream: loader, masking, text, dropout), logging every step
// and keeping one checkpoint.
const SETS = [...resumeTestSets(outDir, STEPS), 'log.every=1', 'log.keepCheckpoints=1'];
const args = (name: string, backend: string) => ['pretrain', ...SETS.flatMap((s) => ['--set', s]), '--set', `name=${name}-${backend}`];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `ecamp <argv>` (or a shell command line) from the trainer's sources; `onLine` sees each stderr line. */
function ecamp(
  argv: string[] | string,
  backend: string,
  opts: { env?: Record<string, string>; onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void } = {},
): Promise<Exit> {
  const env = { ...process.env, ECAMP_BACKEND: backend, ...opts.env };
  const child =
    typeof argv === 'string'
      ? spawn('sh', ['-c', argv], { cwd: trainerRoot, env, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', ...argv], {
          cwd: trainerRoot,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
  let stderr = '';
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) opts.onLine?.(line, (s) => child.kill(s));
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** The step of a progress line `[name] ###… 3/6 (50%) …`. */
const progressStep = (line: string) => Number(/ (\d+)\/\d+ \(\d+%\)/.exec(line)?.[1] ?? NaN);

const runDir = (name: string, backend: string) => join(outDir, `${name}-${backend}`);

/** Every tensor of the final checkpoint (model and AdamW moments) equals the reference run's. */
function expectSameFinalState(name: string, backend: string) {
  const ref = readSafetensors(join(runDir('ref', backend), 'checkpoints', 'pretrain.safetensors'));
  const got = readSafetensors(join(runDir(name, backend), 'checkpoints', 'pretrain.safetensors'));
  expect(Object.keys(got.tensors).sort()).toEqual(Object.keys(ref.tensors).sort());
  expect(Object.keys(ref.tensors).filter((k) => k.startsWith('optimizer.')).length).toBeGreaterThan(0);
  let worst = 0;
  for (const [k, t] of Object.entries(ref.tensors)) {
    const a = t.data;
    const b = got.tensors[k].data;
    if (backend === 'cpu') {
      // Bit for bit: compare the bytes.
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)), k).toBe(true);
    } else {
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
  }
  expect(worst).toBeLessThanOrEqual(1e-6);
  if (backend !== 'cpu') console.log(`${name} (${backend}): largest difference from the uninterrupted run ${worst}`);
  for (const key of ['step', 'optimizer.step', 'rngs', 'module.rngs', 'loader']) expect(got.metadata[key], key).toBe(ref.metadata[key]);
  // metrics.jsonl: every step once, with the losses of the run that never stopped.
  const metrics = (n: string) =>
    readFileSync(join(runDir(n, backend), 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
  const [m, r] = [metrics(name), metrics('ref')];
  expect(m.map((l) => l.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  for (const [i, line] of m.entries()) {
    for (const k of ['total', 'mim', 'mlm', 'lr', 'gradNorm']) {
      if (backend === 'cpu') expect(line[k], `step ${i + 1} ${k}`).toBe(r[i][k]);
      else expect(Math.abs(line[k] - r[i][k]), `step ${i + 1} ${k}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(r[i][k])));
    }
  }
  // Pictures and summary: as the uninterrupted run's.
  expect(readdirSync(join(runDir(name, backend), 'pictures'))).toEqual(readdirSync(join(runDir('ref', backend), 'pictures')));
  const summary = (n: string) =>
    JSON.parse(readFileSync(join(runDir(n, backend), 'pretrain-summary.json'), 'utf8')) as {
      steps: number;
      firstLoss: unknown;
      lastLoss: unknown;
      skippedUpdates: number;
    };
  const [s, rs] = [summary(name), summary('ref')];
  expect([s.steps, s.skippedUpdates]).toEqual([rs.steps, rs.skippedUpdates]);
  if (backend === 'cpu') expect([s.firstLoss, s.lastLoss]).toEqual([rs.firstLoss, rs.lastLoss]);
  // The newest log.keepCheckpoints step files, no temp files.
  expect(readdirSync(join(runDir(name, backend), 'checkpoints')).sort()).toEqual([
    'encoder.safetensors',
    'mae-timm.safetensors',
    'pretrain.safetensors',
    'step-000004.safetensors',
  ]);
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

describe.each(process.env.ECAMP_RESUME_BACKENDS?.split(',') ?? ['cpu', 'wasm'])('pretrain --resume after a crash (%s backend)', (backend) => {
  beforeAll(async () => {
    // The synthetic set once, before the children run side by side.
    const quiet = createLogger('test', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
    await ensureSyntheticSet(loadConfig('tiny', SETS), quiet);
  }, 120_000);

  it("SIGKILL during a step, during a checkpoint write, and SIGINT: resumed runs end with the uninterrupted run's weights", async () => {
    // Killed after the progress line of an odd step: the next step is running (no checkpoint is being written).
    const killStep = pick([1, 3, 5]);
    // Killed with the header of this checkpoint on disk and its tensors not.
    const tornStep = pick([2, 4]);
    // (Early: the signal is seen at the next step boundary, and one during the last step lets the run finish.)
    const intStep = pick([1, 2]);
    const info = `kill in step ${killStep + 1}, kill in the write of step ${tornStep}, SIGINT after step ${intStep}`;
    let tornFile = '';
    let killedAt = NaN;
    let interruptSent = false;
    const [ref, killed, torn, interrupted] = await Promise.all([
      ecamp(args('ref', backend), backend),
      ecamp(args('kill', backend), backend, {
        onLine: (line, kill) => {
          if (progressStep(line) === killStep && Number.isNaN(killedAt)) {
            killedAt = killStep;
            kill('SIGKILL');
          }
        },
      }),
      ecamp(args('torn', backend), backend, {
        env: { ECAMP_TEST_PAUSE_IN_WRITE_MS: '400' },
        onLine: (line, kill) => {
          // The temp file: a dot, the target's name, then the writer's suffix (process id …).
          const m = /ecamp-test: paused writing (\S*\/\.step-(\d+)\.safetensors\S*)$/.exec(line);
          if (m && Number(m[2]) === tornStep && !tornFile) {
            tornFile = m[1];
            kill('SIGKILL');
          }
        },
      }),
      ecamp(args('int', backend), backend, {
        onLine: (line, kill) => {
          if (progressStep(line) === intStep && !interruptSent) {
            interruptSent = true;
            kill('SIGINT');
          }
        },
      }),
    ]);
    expect(ref.code, ref.stderr).toBe(0);
    expect(killed.signal, `${info}\n${killed.stderr}`).toBe('SIGKILL');
    expect(torn.signal, `${info}\n${torn.stderr}`).toBe('SIGKILL');

    // The torn write left a temp file shorter than a checkpoint, which is not taken for one.
    expect(existsSync(tornFile), info).toBe(true);
    const full = statSync(join(runDir('ref', backend), 'checkpoints', 'step-000004.safetensors')).size;
    expect(statSync(tornFile).size).toBeLessThan(full);
    expect(latestCheckpoint(join(runDir('torn', backend), 'checkpoints'))?.step).toBe(tornStep === 2 ? undefined : 2);

    // SIGINT: the step finished, a checkpoint at it, one line with the command that resumes, exit 130.
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const line = /interrupted after step (\d+) of 6 \(checkpoint (.*)\); to resume: (.*)$/m.exec(interrupted.stderr);
    expect(line, interrupted.stderr).not.toBeNull();
    const stoppedAt = Number(line![1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(intStep);
    expect(line![2]).toBe(join(runDir('int', backend), 'checkpoints', `step-${String(stoppedAt).padStart(6, '0')}.safetensors`));
    expect(line![3]).toMatch(/ pretrain .* --resume$/);

    const resumed = await Promise.all([
      ecamp([...args('kill', backend), '--resume'], backend),
      ecamp([...args('torn', backend), '--resume'], backend),
      ecamp(line![3], backend),
    ]);
    for (const r of resumed) expect(r.code, `${info}\n${r.stderr}`).toBe(0);
    expect(resumed[0].stderr).toMatch(
      killStep === 1 ? /no checkpoint in .* yet; pre-training starts at step 0/ : new RegExp(`resuming at step ${killStep - 1} of 6`),
    );
    expect(resumed[2].stderr).toMatch(new RegExp(`resuming at step ${stoppedAt} of 6`));
    expect(existsSync(tornFile)).toBe(false); // swept
    for (const name of ['kill', 'torn', 'int']) expectSameFinalState(name, backend);
  }, 300_000);
});

describe('ecamp run --resume (cpu backend)', () => {
  it('Ctrl-C during pre-training exits 130 with the command that resumes; that command finishes pre-training and evaluates', async () => {
    const evaluate = ['evaluate.epochs=1', 'evaluate.batchSize=4', 'evaluate.bootstrap=10', 'evaluate.compareWithScratch=false'].flatMap((s) => ['--set', s]);
    const argv = ['run', ...args('main', 'cpu').slice(1), ...evaluate];
    let sent = false;
    const first = await ecamp(argv, 'cpu', {
      onLine: (line, kill) => {
        if (progressStep(line) === 1 && !sent) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect(first.code, first.stderr).toBe(130);
    const line = /interrupted after step (\d) of 6 \(checkpoint .*\); to resume: (.* run .* --resume)$/m.exec(first.stderr);
    expect(line, first.stderr).not.toBeNull();
    expect(existsSync(join(runDir('main', 'cpu'), 'evaluation.json'))).toBe(false);
    const second = await ecamp(line![2], 'cpu');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`resuming at step ${line![1]} of 6`));
    const summary = JSON.parse(readFileSync(join(runDir('main', 'cpu'), 'summary.json'), 'utf8')) as {
      pretrain: { steps: number };
      evaluation: { results: unknown[] };
    };
    expect(summary.pretrain.steps).toBe(6);
    expect(summary.evaluation.results).toHaveLength(1);
    // (That a finished pre-training is not redone: src/run/resume-pipeline.test.ts.)
  }, 300_000);
});
