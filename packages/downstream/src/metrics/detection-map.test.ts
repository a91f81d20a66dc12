import { describe, expect, it } from 'vitest';
import { authorsDetectionMap, averagePrecision, detectionMap, precisionRecallCurve, RSNA_IOU_THRESHOLDS, type ImageDetections } from './detection-map.js';
import type { Box } from './box.js';

describe('RSNA_IOU_THRESHOLDS', () => {
  it('is 0.40 to 0.75 in steps of 0.05', () => {
    expect(RSNA_IOU_THRESHOLDS).toEqual([0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]);
  });
});

describe('averagePrecision', () => {
  // Two images, three true boxes; four detections with hand-chosen overlaps.
  const groundTruth: Box[][] = [
    [
      [0, 0, 10, 10],
      [20, 20, 30, 30],
    ],
    [[0, 0, 10, 10]],
  ];
  const predictions: ImageDetections[] = [
    {
      boxes: [
        [0, 0, 10, 10], // exact, rank 1 → TP
        [0, 0, 10, 10], // duplicate of a matched box, rank 3 → FP
        [20, 20, 30, 25], // IoU 0.5 with box 2, rank 4
      ],
      scores: [0.9, 0.7, 0.6],
    },
    { boxes: [[50, 50, 60, 60]], scores: [0.8] }, // rank 2, no overlap → FP
  ];

  it('matches the hand-worked precision–recall curve', () => {
    const c = precisionRecallCurve(predictions, groundTruth, 0.5);
    expect(c.totalPositives).toBe(3);
    expect(c.precision).toEqual([1, 1 / 2, 1 / 3, 2 / 4]);
    expect(c.recall).toEqual([1 / 3, 1 / 3, 1 / 3, 2 / 3]);
  });

  it('all-point AP is the area under the precision envelope', () => {
    // recall steps: 0 → 1/3 at envelope 1, 1/3 → 2/3 at envelope 0.5 → 1/3 + 1/6
    expect(averagePrecision(predictions, groundTruth, 0.5)).toBeCloseTo(0.5, 15);
    // above IoU 0.5 the half-overlap box is a FP: only 1/3 recall at precision 1
    expect(averagePrecision(predictions, groundTruth, 0.55)).toBeCloseTo(1 / 3, 15);
  });

  it('COCO 101-point sampling matches its definition', () => {
    // envelope 1 for r ≤ 1/3 (r = 0..0.33: 34 points), 0.5 for 1/3 < r ≤ 2/3 (0.34..0.66: 33 points), 0 beyond
    expect(averagePrecision(predictions, groundTruth, 0.5, { interpolation: 'coco-101' })).toBeCloseTo((34 + 0.5 * 33) / 101, 12);
  });

  it('is 1 for perfect detections and NaN without ground truth', () => {
    const perfect = groundTruth.map((boxes) => ({ boxes, scores: boxes.map(() => 1) }));
    expect(averagePrecision(perfect, groundTruth, 0.75)).toBe(1);
    expect(averagePrecision([{ boxes: [], scores: [] }], [[]], 0.5)).toBeNaN();
  });

  it('ranks detections across images by score, not by image', () => {
    // A low-score TP ranked after a high-score FP lowers AP.
    const gt: Box[][] = [[[0, 0, 10, 10]], []];
    const preds: ImageDetections[] = [
      { boxes: [[0, 0, 10, 10]], scores: [0.2] },
      { boxes: [[0, 0, 10, 10]], scores: [0.9] },
    ];
    expect(averagePrecision(preds, gt, 0.5)).toBe(0.5);
  });

  it('rejects bad input naming the image and box', () => {
    expect(() => averagePrecision([{ boxes: [[0, 0, 1, 1]], scores: [] }], [[]], 0.5)).toThrow(/image 0 has 1 boxes but 0 scores/);
    expect(() => averagePrecision([{ boxes: [], scores: [] }], [[[5, 0, 1, 1]]], 0.5)).toThrow(/image 0 ground-truth box 0/);
    expect(() => averagePrecision([], [[]], 0.5)).toThrow(/0 images of predictions but 1/);
    expect(() => averagePrecision([], [], 0)).toThrow(/outside \(0, 1\]/);
  });
});

describe('detectionMap', () => {
  it('averages AP over the IoU thresholds', () => {
    // one box predicted with IoU 0.6 with the truth: TP for thresholds ≤ 0.6 (5 of 8)
    const gt: Box[][] = [[[0, 0, 10, 10]]];
    const preds: ImageDetections[] = [{ boxes: [[0, 0, 10, 6]], scores: [0.5] }];
    const r = detectionMap(preds, gt);
    expect(r.perThreshold).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(r.mean).toBe(5 / 8);
  });

  it('agrees with a brute-force all-point AP on random data', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const box = (): Box => {
      const x = rand() * 50;
      const y = rand() * 50;
      return [x, y, x + 5 + rand() * 20, y + 5 + rand() * 20];
    };
    const gt: Box[][] = Array.from({ length: 6 }, () => Array.from({ length: Math.floor(rand() * 3) }, box));
    const preds: ImageDetections[] = gt.map((g) => {
      const boxes = [...g.map((b) => b.map((v) => v + (rand() - 0.5) * 6)), ...Array.from({ length: 2 }, box)];
      return { boxes, scores: boxes.map(() => rand()) };
    });
    const c = precisionRecallCurve(preds, gt, 0.5);
    // brute force: AP = Σ over each TP's recall increment of max precision at any later rank
    let brute = 0;
    let lastRecall = 0;
    for (let k = 0; k < c.recall.length; k++) {
      if (c.recall[k] > lastRecall) {
        brute += (c.recall[k] - lastRecall) * Math.max(...c.precision.slice(k));
        lastRecall = c.recall[k];
      }
    }
    expect(averagePrecision(preds, gt, 0.5)).toBeCloseTo(brute, 12);
    expect(brute).toBeGreaterThan(0);
  });
});

describe('COCO matching (pycocotools evaluateImg, as torchmetrics)', () => {
  // Two overlapping true boxes; the better detection takes box A, the second detection's best
  // box is also A (IoU 0.68) but box B still overlaps it by 0.55.
  const gt: Box[][] = [
    [
      [0, 0, 10, 10],
      [2, 0, 12, 10],
    ],
  ];
  const preds: ImageDetections[] = [
    {
      boxes: [
        [0, 0, 10, 10],
        [1, 0, 11, 10],
      ],
      scores: [0.9, 0.8],
    },
  ];

  it('lets a detection fall back to the best unmatched box above the threshold, where VOC calls it a false positive', () => {
    // VOC: detection 2's best box (A, IoU 9/11) is taken → FP; recall stops at 1/2.
    expect(precisionRecallCurve(preds, gt, 0.5).recall).toEqual([0.5, 0.5]);
    // COCO: detection 2 takes B (IoU 9/11 too, the later of equal IoUs) → TP.
    expect(precisionRecallCurve(preds, gt, 0.5, { matching: 'coco' }).recall).toEqual([0.5, 1]);
    expect(averagePrecision(preds, gt, 0.5, { matching: 'coco', interpolation: 'coco-101' })).toBe(1);
    expect(averagePrecision(preds, gt, 0.5, { interpolation: 'coco-101' })).toBeCloseTo(51 / 101, 12);
    // Above both IoUs nothing matches the second detection in either mode.
    expect(precisionRecallCurve(preds, gt, 0.85, { matching: 'coco' }).recall).toEqual([0.5, 0.5]);
  });

  it('keeps only the best maxDetections per image before ranking', () => {
    const noisy: ImageDetections[] = [
      {
        boxes: [
          [50, 50, 60, 60],
          [0, 0, 10, 10],
        ],
        scores: [0.9, 0.1],
      },
    ];
    const single: Box[][] = [[[0, 0, 10, 10]]];
    expect(averagePrecision(noisy, single, 0.5, { matching: 'coco', maxDetections: 2 })).toBeCloseTo(0.5, 12);
    expect(averagePrecision(noisy, single, 0.5, { matching: 'coco', maxDetections: 1 })).toBe(0);
    expect(() => averagePrecision(noisy, single, 0.5, { matching: 'coco', maxDetections: 0 })).toThrow(/maxDetections must be ≥ 1/);
    expect(() => averagePrecision(noisy, single, 0.5, { matching: 'greedy' as never })).toThrow(/unknown matching 'greedy'/);
  });
});

describe('authorsDetectionMap', () => {
  it('scores only images with a true box and a non-empty output, COCO-style, and says how many', () => {
    const gt: Box[][] = [[[0, 0, 10, 10]], [[0, 0, 10, 10]], [], [[20, 20, 40, 40]]];
    const preds: ImageDetections[] = [
      { boxes: [[0, 0, 10, 10]], scores: [0.9] }, // scored: TP
      { boxes: [], scores: [] }, // no output: left out (a miss that costs nothing)
      { boxes: [[0, 0, 5, 5]], scores: [0.95] }, // no truth: left out (a false positive that costs nothing)
      { boxes: [[0, 0, 10, 10]], scores: [0.6] }, // scored: FP, its truth missed
    ];
    const r = authorsDetectionMap(preds, gt);
    expect(r.images).toBe(2);
    // ranked TP, FP; recall 1/2 at precision 1 → 51 of the 101 recall points at 1.
    r.perThreshold.forEach((ap) => expect(ap).toBeCloseTo(51 / 101, 12));
    expect(r.mean).toBeCloseTo(51 / 101, 12);
    // Ours over every image: ranked FP (0.95), TP (0.9), FP (0.6) against three true boxes →
    // recall 1/3 at precision 1/2.
    expect(detectionMap(preds, gt).mean).toBeCloseTo(1 / 6, 12);
    expect(authorsDetectionMap([{ boxes: [], scores: [] }], [[[0, 0, 1, 1]]]).images).toBe(0);
    expect(() => authorsDetectionMap([], gt)).toThrow(/0 images of predictions but 4 of ground truth/);
  });
});
