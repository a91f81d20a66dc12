/**
 * Linear-time benchmark of the offline rule distiller (issue: a 5 MB report must not take
 * minutes). Distils synthetic reports of ordinary prose (varied sentences) and of one run-on
 * sentence (no full stop) at 100 KB, 200 KB, 400 KB, 800 KB and 1.6 MB, and prints the time per
 * size and the ratio per doubling (linear ≈ 2.0×: time grows with size, so the per-byte time
 * ratio ≈ 1.0×), then the time and heap growth of one 5 MB report of each kind.
 * Run: `pnpm --filter @ecamp/distill bench` (after the quality benchmark) or `tsx bench/linear-time.ts`.
 */
import { RuleDistiller } from '../src/rule-distiller.js';

const sentences = [
  'There is a small left pleural effusion with adjacent basilar atelectasis',
  'No pneumothorax is seen',
  'The heart size is mildly enlarged and the aorta is tortuous',
  'Possible right lower lobe consolidation cannot be excluded',
  'Calcified granuloma in the right upper lobe is unchanged',
  'Without interval worsening of the bibasilar opacities, which may represent scarring',
  'Pulmonary vascularity is increased, suggesting mild congestion',
  'Right internal jugular central line with tip in the SVC',
];
const prose = (bytes: number) => {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const s = `${sentences[i % sentences.length]}. `;
    parts.push(s);
    n += s.length;
  }
  return parts.join('').slice(0, bytes);
};
const runOn = (bytes: number) => {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const s = `${sentences[i % sentences.length].toLowerCase()} and `;
    parts.push(s);
    n += s.length;
  }
  return parts.join('').slice(0, bytes);
};

const distiller = new RuleDistiller();
const time = (text: string) => {
  let best = Infinity;
  for (let rep = 0; rep < 7; rep++) {
    const t0 = performance.now();
    distiller.distill(text);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
};

for (const [kind, make] of [
  ['ordinary prose', prose],
  ['one run-on sentence', runOn],
] as const) {
  console.log(`\nrule distiller, ${kind}:`);
  let prev: number | undefined;
  const ratios: number[] = [];
  for (let w = 0; w < 3; w++) distiller.distill(make(400_000)); // warm-up: JIT and heap
  for (const kb of [100, 200, 400, 800, 1600]) {
    const ms = time(make(kb * 1000));
    const ratio = prev ? ms / prev : undefined;
    if (ratio) ratios.push(ratio);
    console.log(
      `  ${String(kb).padStart(5)} KB  ${ms.toFixed(1).padStart(8)} ms${ratio ? `   ×${ratio.toFixed(2)} per doubling (per-byte ×${(ratio / 2).toFixed(2)})` : ''}`,
    );
    prev = ms;
  }
  const mean = ratios.reduce((a, r) => a * r, 1) ** (1 / ratios.length);
  console.log(
    `  per doubling 100 KB → 1.6 MB: mean ×${mean.toFixed(2)} (per-byte ×${(mean / 2).toFixed(2)}), worst per-byte ×${(Math.max(...ratios) / 2).toFixed(2)}; linear = ×2.00 (per-byte ×1.00), target per-byte ≤ ×1.2; measure on a quiet machine`,
  );
  const big = make(5_000_000);
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const d = distiller.distill(big);
  const ms = performance.now() - t0;
  console.log(
    `  5 MB report: ${(ms / 1000).toFixed(2)} s, heap +${((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(0)} MB, ${d.entities.length} merged findings, ${distiller.lastWork().tokens} tokens`,
  );
}
