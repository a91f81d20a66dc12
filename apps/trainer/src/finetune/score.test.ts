import { describe, expect, it } from 'vitest';
import { classificationMetrics, type DetectionEvaluation, type SegmentationEvaluation } from '@ecamp/downstream';
import { classificationScores, detectionScores, formatScored, formatTestMetrics, segmentationScores } from './score.js';

describe('classificationScores', () => {
  it('multi-label: mean AUROC with an interval that contains it', () => {
    const scores = Float32Array.from([0.9, 0.2, 0.8, 0.6, 0.3, 0.7, 0.1, 0.4, 0.6, 0.1, 0.2, 0.9]);
    const targets = Float32Array.from([1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1]);
    const m = classificationScores(classificationMetrics('multi-label', scores, targets, 2), 'multi-label', 2, 200, 0);
    expect(m.metrics.map((s) => s.name)).toEqual(['mean AUROC', 'accuracy']);
    expect(m.metrics[0].value).toBe(1);
    expect(m.metrics[0].interval!.low).toBeLessThanOrEqual(1);
    expect(m.images).toBe(6);
  });

  it('single-label: accuracy first (it selects the epoch), macro AUROC, both with intervals', () => {
    // 4 images, 3 classes; the argmax is right for 3 of them.
    const scores = Float32Array.from([0.8, 0.1, 0.1, 0.1, 0.7, 0.2, 0.2, 0.2, 0.6, 0.5, 0.4, 0.1]);
    const targets = Float32Array.from([0, 1, 2, 1]);
    const m = classificationScores(classificationMetrics('multi-class', scores, targets, 3), 'single-label', 3, 300, 0);
    expect(m.metrics.map((s) => s.name)).toEqual(['accuracy', 'macro AUROC']);
    expect(m.metrics[0].value).toBe(0.75);
    const i = m.metrics[0].interval!;
    expect(i.low).toBeLessThanOrEqual(0.75);
    expect(i.high).toBeGreaterThanOrEqual(0.75);
    expect(i.low).toBeGreaterThanOrEqual(0);
    expect(m.details.confusion).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
  });
});

describe('segmentationScores', () => {
  it('reports Dice over all images (saying how empty masks count) and over images with a finding', () => {
    const r: SegmentationEvaluation = { count: 4, dice: 0.6, iou: 0.5, perClassDice: [0.6], perImageDice: [[1, 0.2, 0.4, 0.8]] };
    const m = segmentationScores(r, [false, true, true, true], 500, 0);
    expect(m.metrics.map((s) => s.name)).toEqual(['Dice', 'Dice (images with a finding)', 'IoU']);
    expect(m.metrics[1].value).toBeCloseTo(0.4667, 4);
    expect(m.metrics[0].note).toMatch(/1 with an empty mask \(empty prediction on an empty mask = 1/);
    // no empty mask: no second Dice
    expect(segmentationScores({ ...r, perImageDice: [[0.5, 0.7]] }, [true, true], 10, 0).metrics.map((s) => s.name)).toEqual(['Dice', 'IoU']);
  });
});

describe('detectionScores', () => {
  it('names both mAPs and bootstraps each over images', () => {
    const truth = [[[0, 0, 10, 10]], [[0, 0, 10, 10]], []];
    const detections = [
      { boxes: [[0, 0, 10, 10]], scores: [0.9], labels: [0] },
      { boxes: [], scores: [], labels: [] },
      { boxes: [[5, 5, 9, 9]], scores: [0.8], labels: [0] },
    ];
    const r: DetectionEvaluation = {
      count: 3,
      map: 0.5,
      perThreshold: [0.5],
      detections,
      truth,
      authors: { map: 1, perThreshold: [1], images: 1, detections },
    };
    const m = detectionScores(r, 100, 0);
    expect(m.metrics.map((s) => s.name)).toEqual(['mAP (ours)', "mAP (authors')"]);
    expect(m.metrics[1].note).toMatch(/only the 1 images with a true box and a non-empty output/);
    for (const s of m.metrics) expect(s.interval!.resamples).toBeGreaterThan(0);
    const lines = formatTestMetrics(m, 'test');
    expect(lines[0]).toBe('test (3 images):');
    expect(lines[1]).toMatch(/^ {2}mAP \(ours\): 0\.5000 \(95 % interval /);
    expect(formatScored({ name: 'x', value: Number.NaN })).toBe('x: n/a');
  });
});
