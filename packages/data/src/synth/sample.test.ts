import { beforeAll, describe, expect, it } from 'vitest';
import { LABEL_NAMES } from './prior.js';
import { synthesizeSample, type SynthSample } from './sample.js';

/** Area under the ROC curve of `score` for binary `label` (ties count half). */
function auc(scores: number[], labels: number[]): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!labels[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** Mean grey value of a rectangle given in fractions of the image. */
function meanIn(s: SynthSample, x0: number, x1: number, y0: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * s.height); y < y1 * s.height; y++) {
    for (let x = Math.floor(x0 * s.width); x < x1 * s.width; x++) {
      sum += s.image[y * s.width + x];
      n++;
    }
  }
  return sum / n;
}

/**
 * Mean grey value of the lung fields between fractions `f0`..`f1` of each
 * lung's height (0 = apex) and at least `lateral` of the way from its medial to
 * its lateral edge (0 = the whole width); `only` restricts it to one lung (1 = patient's right).
 */
function lungZoneMean(s: SynthSample, f0: number, f1: number, lateral = 0, only?: 1 | 2): number {
  let sum = 0;
  let n = 0;
  for (const side of only ? [only] : [1, 2]) {
    let top = s.height;
    let bottom = 0;
    let left = s.width;
    let right = 0;
    for (let i = 0; i < s.lungMask.length; i++) {
      if (s.lungMask[i] !== side) continue;
      const y = Math.floor(i / s.width);
      const x = i % s.width;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
    const y0 = top + f0 * (bottom - top);
    const y1 = top + f1 * (bottom - top);
    for (let i = 0; i < s.lungMask.length; i++) {
      const y = Math.floor(i / s.width);
      const x = i % s.width;
      // Side 1 is the patient's right lung on the image left: its lateral edge is `left`.
      const lat = side === 1 ? (right - x) / (right - left) : (x - left) / (right - left);
      if (s.lungMask[i] === side && y >= y0 && y <= y1 && lat >= lateral) {
        sum += s.image[i];
        n++;
      }
    }
  }
  return sum / n;
}

const ENTITY_WORDS: Record<string, RegExp> = {
  cardiomegaly: /cardiomegaly|enlarge/i,
  pleural_effusion: /pleural effusion/i,
  pneumothorax: /pneumothorax/i,
  consolidation: /consolidation|opacity/i,
  nodule: /nodule|mass/i,
  edema: /edema/i,
  atelectasis: /atelectasis/i,
  support_devices: /tube|catheter|pacemaker/i,
};

describe('synthesizeSample', () => {
  const N = 48;
  let samples: SynthSample[] = [];
  beforeAll(() => {
    samples = Array.from({ length: N }, (_, i) => synthesizeSample(11, i, { size: 448 }));
  });

  it('is deterministic per (seed, index) and differs between indices', () => {
    const again = synthesizeSample(11, 3, { size: 448 });
    expect(Buffer.from(again.image).equals(Buffer.from(samples[3].image))).toBe(true);
    expect(again.report).toBe(samples[3].report);
    expect(Buffer.from(samples[4].image).equals(Buffer.from(samples[3].image))).toBe(false);
    expect(samples[3].id).toBe('synth-11-000003');
  });

  it('keeps labels, findings, masks, boxes and the report consistent', () => {
    for (const s of samples) {
      expect(s.image.length).toBe(448 * 448);
      expect(s.labels).toHaveLength(LABEL_NAMES.length);
      for (let k = 0; k < LABEL_NAMES.length; k++) {
        const f = s.findings.find((x) => x.label === LABEL_NAMES[k]);
        expect(Boolean(f)).toBe(s.labels[k] === 1);
        if (!f) continue;
        expect(s.report).toMatch(ENTITY_WORDS[f.label]);
        expect(f.mask.some((v) => v === 1)).toBe(true);
        expect(f.boxes.length).toBeGreaterThan(0);
        for (const [x1, y1, x2, y2] of f.boxes) {
          expect(0 <= x1 && x1 < x2 && x2 <= 448 && 0 <= y1 && y1 < y2 && y2 <= 448).toBe(true);
        }
      }
      expect([0, 1, 2]).toContain(s.window.i);
      expect([0, 1, 2]).toContain(s.window.j);
    }
    // The prior gives both normal and abnormal images in 48 draws.
    expect(samples.some((s) => s.labels.every((v) => v === 0))).toBe(true);
    expect(samples.filter((s) => s.labels[1] === 1).length).toBeGreaterThan(4);
  });

  it('renders findings the pixels can reveal: trivial probes separate classes far better than chance', () => {
    // Effusion: fluid makes the lateral lower lung zones (costophrenic angles) brighter than the upper zones.
    const effusion = samples.map((s) => s.labels[LABEL_NAMES.indexOf('pleural_effusion')]);
    const lowerZones = samples.map((s) => lungZoneMean(s, 0.85, 1, 0.5) - lungZoneMean(s, 0.2, 0.5));
    const aucEffusion = auc(lowerZones, effusion);
    // Cardiomegaly: the heart fills the left lower lung beside it.
    const cardio = samples.map((s) => s.labels[LABEL_NAMES.indexOf('cardiomegaly')]);
    const besideHeart = samples.map((s) => meanIn(s, 0.72, 0.8, 0.52, 0.64) - meanIn(s, 0.2, 0.3, 0.3, 0.45));
    const aucCardio = auc(besideHeart, cardio);
    // Pneumothorax: the apical space is darker (no vessels) than the mid zone; take the worse lung.
    const ptx = samples.map((s) => s.labels[LABEL_NAMES.indexOf('pneumothorax')]);
    const apicalLucency = samples.map((s) =>
      Math.max(...([1, 2] as const).map((side) => lungZoneMean(s, 0.35, 0.6, 0, side) - lungZoneMean(s, 0, 0.35, 0.6, side))),
    );
    const aucPtx = auc(apicalLucency, ptx);
    console.log(
      `probe AUROC: effusion ${aucEffusion.toFixed(3)}, cardiomegaly ${aucCardio.toFixed(3)}, pneumothorax ${aucPtx.toFixed(3)} (n=${N}, ${ptx.filter(Boolean).length} pneumothoraces)`,
    );
    expect(aucEffusion).toBeGreaterThan(0.85);
    expect(aucCardio).toBeGreaterThan(0.8);
    expect(ptx.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(aucPtx).toBeGreaterThan(0.75);
  });

  it('rejects sizes outside 448..512', () => {
    expect(() => synthesizeSample(1, 0, { size: 300 })).toThrow(/448\.\.512/);
  });
});
