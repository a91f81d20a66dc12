import { describe, expect, it } from 'vitest';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { mlmCorpusStats } from './corpus-stats.js';
import { fixtureTokenizer } from '../../test/fixture-tokenizer.js';
import { testRng } from '../../test/test-rng.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { BadSampleLog, readIuXrayReports } from '@ecamp/data';

describe('mlmCorpusStats', () => {
  it('counts templates, entities and moved mass on a hand-made corpus', () => {
    const s = mlmCorpusStats(['There is no pneumothorax.', 'Lungs are clear.', 'Small left pleural effusion.'], {
      rng: testRng(1),
      tokenizer: fixtureTokenizer(),
    });
    expect(s.reports).toBe(3);
    expect(s.withTemplates).toBe(1);
    expect(s.withEntities).toBe(2);
    // "there is no" = 3 template tokens → 0.95·3 moved in one report of three.
    expect(s.meanMovedMass).toBeCloseTo((0.95 * 3) / 3, 5);
    expect(s.maxWeightConservationError).toBeLessThan(1e-5);
  });
});

const TOK = 'tokenizers/mimic_wordpiece.json';
const CSV = 'iu-xray/reports-dev.csv';
const hasData = !skipWithoutSharedData(TOK, 'the real-report pipeline test') && !skipWithoutSharedData(CSV, 'the real-report pipeline test');
describe.runIf(hasData)('the whole pipeline over the real IU X-ray reports', () => {
  it('keeps masking rates within ±1 % of their targets and conserves weights', () => {
    const tokenizer = loadTokenizer(sharedDataPath(TOK)!, { maxLength: 256 });
    const reports = readIuXrayReports(sharedDataPath(CSV)!, { badSamples: new BadSampleLog('skip', () => {}) }).map((r) => r.text);
    const s = mlmCorpusStats(reports, { rng: testRng(2024), tokenizer, mode: 'paper' });
    console.log(
      `[iu-xray] ${s.reports} reports: ${s.withTemplates} with templates, ${s.withEntities} with entities, ` +
        `mean moved mass ${s.meanMovedMass.toFixed(3)} (${(100 * s.meanMovedShare).toFixed(2)} % of a report's weight)`,
    );
    expect(s.withTemplates).toBeGreaterThan(s.reports * 0.2);
    expect(s.withEntities).toBeGreaterThan(s.reports * 0.5);
    expect(Math.abs(s.maskRate.entity - 0.75)).toBeLessThan(0.01);
    expect(Math.abs(s.maskRate.descriptor - 0.75)).toBeLessThan(0.01);
    expect(Math.abs(s.maskRate.other - 0.7)).toBeLessThan(0.01);
    expect(Math.abs(s.maskRate.noEntity - 0.75)).toBeLessThan(0.01);
    expect(s.maxWeightConservationError).toBeLessThan(1e-5);
  });
});
