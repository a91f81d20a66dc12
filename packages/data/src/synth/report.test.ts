import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/io';
import type { RenderedFinding } from './findings.js';
import { writeReport } from './report.js';

const finding = (spec: RenderedFinding['spec'], facts: RenderedFinding['facts'] = {}): RenderedFinding => ({ spec, mask: new Uint8Array(1), boxes: [], facts });

describe('writeReport', () => {
  it('puts descriptors before entities and has FINDINGS and IMPRESSION sections', () => {
    for (let seed = 0; seed < 20; seed++) {
      const r = writeReport([finding({ label: 'pleural_effusion', sides: ['left'], size: 'small' })], Rng.sfc32(seed));
      expect(r.text.startsWith('FINDINGS: ')).toBe(true);
      expect(r.text).toContain(' IMPRESSION: ');
      expect(r.findings.toLowerCase()).toMatch(/small left pleural effusion/);
      expect(r.impression).toBe('Small left pleural effusion.');
      expect(r.findings.toLowerCase()).not.toMatch(/no pleural effusion/);
    }
  });

  it('negates absent findings with the usual templates and varies phrasing', () => {
    const texts = new Set<string>();
    let evidence = 0;
    let thereIsNo = 0;
    for (let seed = 0; seed < 60; seed++) {
      const r = writeReport([], Rng.sfc32(seed));
      texts.add(r.findings);
      if (/there is no evidence of/i.test(r.findings)) evidence++;
      if (/there is no /i.test(r.findings)) thereIsNo++;
      expect(r.impression).toMatch(/No acute|Normal chest/);
    }
    expect(texts.size).toBeGreaterThan(30);
    expect(evidence).toBeGreaterThan(5);
    expect(thereIsNo).toBeGreaterThan(20);
  });

  it('reports measurements and locations', () => {
    const r = writeReport([finding({ label: 'nodule', kind: 'nodule', count: 1 }, { sizeMm: 14, location: 'right upper lung' })], Rng.sfc32(1));
    expect(r.findings).toMatch(/1\.4 cm/);
    expect(r.findings).toMatch(/right upper lung/);
  });
});
