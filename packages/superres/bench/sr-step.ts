/**
 * Benchmark: one SR training step (head forward + windowed loss + backward) at the tiny
 * preset's shapes (batch 8 by default, 224 → 448, 3 hidden channels, 384-px window), and
 * window selection throughput. When /usr/bin/python3 has torch, the same step runs in
 * PyTorch in this process run and the ratio ours / PyTorch is printed.
 *
 *   pnpm --filter @ecamp/superres bench        (BENCH_BATCH, BENCH_REPS, BENCH_THREADS override)
 */
import { initBackend, Rng, tf } from '@ecamp/core';
import { runInlineTorch, timeSteps } from '@ecamp/bench-anchor';
import { selectWindow, SrHead, srWindowLoss, srWindowLossCropped } from '../src/index.js';

const B = Number(process.env.BENCH_BATCH ?? 8);
const reps = Number(process.env.BENCH_REPS ?? 3);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const info = await initBackend({ threads });
console.log(`backend ${info.backend}, batch ${B}, ${reps} timed steps`);

const rng = new Rng(0);
const head = new SrHead({ rng });
const x = tf.tensor4d(rng.normalArray(B * 224 * 224 * 3), [B, 224, 224, 3]);
const target = tf.tensor4d(rng.normalArray(B * 448 * 448 * 3), [B, 448, 448, 3]);
const windows = Array.from({ length: B }, (_, k) => ({ i: k % 3, j: (k * 2) % 3 }));
const fullStep = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => srWindowLoss(head.forward(x), target, windows), head.parameters());
    value.dataSync();
    tf.dispose(Object.values(grads));
  });
const windowStep = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => srWindowLossCropped(head.forwardWindows(x, windows), target, windows), head.parameters());
    value.dataSync();
    tf.dispose(Object.values(grads));
  });
const full = timeSteps(fullStep, reps);
console.log(`ours: SR step (forward on the whole view) median ${full.medianMs.toFixed(0)} ms (min ${full.minMs.toFixed(0)})`);
const win = timeSteps(windowStep, reps);
console.log(
  `ours: SR step (forwardWindows, window + halo) median ${win.medianMs.toFixed(0)} ms (min ${win.minMs.toFixed(0)}) → ${(win.medianMs / full.medianMs).toFixed(2)}× the whole-view step`,
);
const ours = Math.min(full.medianMs, win.medianMs);

const maps = Array.from({ length: 2000 }, () => Float64Array.from(rng.normalArray(196), Math.abs));
const t1 = performance.now();
for (const m of maps) selectWindow(m);
console.log(`window selection: ${(maps.length / ((performance.now() - t1) / 1000)).toFixed(0)} maps/s`);

const py = `
import torch, torch.nn.functional as F
B=${B}
c1=torch.nn.Conv2d(3,3,3,padding=1); c2=torch.nn.Conv2d(3,3,3,padding=1)
x=torch.randn(B,3,224,224); t=torch.randn(B,3,448,448)
def step():
    up=F.interpolate(x,scale_factor=2,mode="bilinear",align_corners=False)
    out=c2(F.relu(c1(up)))+up
    loss=torch.stack([F.mse_loss(out[b,:,32*(b%3):32*(b%3)+384,32*((2*b)%3):32*((2*b)%3)+384],t[b,:,32*(b%3):32*(b%3)+384,32*((2*b)%3):32*((2*b)%3)+384]) for b in range(B)]).mean()
    loss.backward()
`;
const torch = runInlineTorch(py, { threads, reps });
if (torch.ok) console.log(`pytorch: SR step median ${torch.medianMs.toFixed(0)} ms → ours / PyTorch = ${(ours / torch.medianMs).toFixed(2)}`);
else console.log(`pytorch anchor skipped: ${torch.reason}`);
tf.dispose([x, target]);
head.dispose();
