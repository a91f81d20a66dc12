import { describe, expect, it } from 'vitest';
import { anchorScriptPath, parseAnchorOutput, reportComparison, runInlineTorch, timeSteps } from '@ecamp/bench-anchor';

describe('parseAnchorOutput', () => {
  it('reads the median line and the load check', () => {
    const text = [
      'torch 1.13.0a0 threads=1 batch=8 sr=off mlm=off params=3.10M',
      'losses: mim=1.0000 total=1.0000',
      'step ms: 230 224 221',
      'median ms/step=224.3  min=221.0  mean=225.1  images/s=35.667  achieved GFLOP/s=40.12',
      'load check over timed steps: wall=1.2s own CPU=1.1s machine busy CPU=1.3s  -> other processes ~0.2 CPU-s',
    ].join('\n');
    const r = parseAnchorOutput(text);
    expect(r.medianMs).toBe(224.3);
    expect(r.minMs).toBe(221);
    expect(r.imagesPerSecond).toBe(35.667);
    expect(r.gflops).toBe(40.12);
    expect(r.loadCheck).toMatch(/^load check/);
    expect(r.header).toMatch(/threads=1/);
    expect(r.ownCpuMsPerStep).toBeCloseTo(1100 / 3, 6);
    expect(r.peakRssMb).toBeUndefined();
    expect(parseAnchorOutput(`${text}\npeak RSS MB=412.5`).peakRssMb).toBe(412.5);
  });

  it('prints one comparison with wall, CPU and memory ratios', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => void lines.push(s);
    try {
      const ratio = reportComparison(
        'MAE step',
        'backend=native threads=2',
        { medianMs: 80, minMs: 78, stepsMs: [80, 78], cpuMsPerStep: 150, peakRssMb: 300, loadCheck: 'load check over timed steps: …' },
        { ok: true, result: { medianMs: 100, minMs: 90, imagesPerSecond: 80, ownCpuMsPerStep: 200, peakRssMb: 400 } },
        2,
      );
      expect(ratio).toBeCloseTo(0.8, 9);
      expect(lines.join('\n')).toMatch(/ratio ours\/PyTorch: wall 0\.80  CPU 0\.75  peak RSS 0\.75 {3}\(PyTorch 2 threads\)/);
      lines.length = 0;
      expect(
        reportComparison('x', 'b', { medianMs: 1, minMs: 1, stepsMs: [1], cpuMsPerStep: 1, peakRssMb: 1, loadCheck: '' }, { ok: false, reason: 'no torch' }, 2),
      ).toBeUndefined();
      expect(lines.join('\n')).toMatch(/anchor: not run \(no torch\)/);
    } finally {
      console.log = log;
    }
  });

  it('names the missing line', () => {
    expect(() => parseAnchorOutput('nothing here')).toThrow(/median ms\/step=/);
  });

  it('finds the anchor beside the repository, or where BENCH_ANCHOR_SCRIPT says', () => {
    const saved = process.env.BENCH_ANCHOR_SCRIPT;
    delete process.env.BENCH_ANCHOR_SCRIPT;
    expect(anchorScriptPath()).toMatch(/\/shared\/anchors\/torch_ecamp_step\.py$/);
    process.env.BENCH_ANCHOR_SCRIPT = '/tmp/x/anchor.py';
    expect(anchorScriptPath()).toBe('/tmp/x/anchor.py');
    if (saved === undefined) delete process.env.BENCH_ANCHOR_SCRIPT;
    else process.env.BENCH_ANCHOR_SCRIPT = saved;
  });
});

describe('timeSteps / runInlineTorch', () => {
  it('warms up once, then times each step; the median is the middle step', () => {
    let calls = 0;
    const t = timeSteps(() => {
      calls += 1;
    }, 3);
    expect(calls).toBe(4);
    expect(t.stepsMs).toHaveLength(3);
    expect(t.stepsMs).toEqual([...t.stepsMs].sort((a, b) => a - b));
    expect(t.minMs).toBe(t.stepsMs[0]);
    expect(t.medianMs).toBe(t.stepsMs[1]);
  });

  it('says why an inline PyTorch step did not run', () => {
    const saved = process.env.BENCH_PYTHON;
    process.env.BENCH_PYTHON = '/nonexistent/python3';
    const r = runInlineTorch('def step(): pass', { threads: 1, reps: 1 });
    if (saved === undefined) delete process.env.BENCH_PYTHON;
    else process.env.BENCH_PYTHON = saved;
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/ENOENT/) });
  });
});
