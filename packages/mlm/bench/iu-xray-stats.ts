/**
 * Real-report statistics of the MLM pipeline over ../shared/data/iu-xray/reports-dev.csv
 * with the authors' tokenizer: reports with templates / entities / descriptors, mean
 * weight mass moved by the re-balanced factor, masking rates per token class in each
 * mode, and preparation throughput.
 *
 *   pnpm --filter @ecamp/mlm bench      (node --conditions=source --import tsx bench/iu-xray-stats.ts)
 */
import { sharedDataPath } from '@ecamp/vitest-preset/shared-data';
import { Rng } from '@ecamp/core';
import { loadTokenizer } from '../src/tokenizer/load-tokenizer.js';
import { BadSampleLog, readIuXrayReports } from '@ecamp/data';
import { mlmCorpusStats } from '../src/stats/corpus-stats.js';
import type { MaskingMode } from '../src/masking/mask-tokens.js';
import { chestXrayEntities } from '@ecamp/io';

const tokPath = sharedDataPath('tokenizers/mimic_wordpiece.json');
const csvPath = sharedDataPath('iu-xray/reports-dev.csv');
if (!tokPath || !csvPath) {
  console.log('[skip] iu-xray-stats: ../shared/data/tokenizers/mimic_wordpiece.json or iu-xray/reports-dev.csv is absent');
  process.exit(0);
}
const tokenizer = loadTokenizer(tokPath, { maxLength: 256 });
const reports = readIuXrayReports(csvPath, { badSamples: new BadSampleLog('skip', () => {}) }).map((r) => r.text);
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
for (const mode of ['paper', 'authors-code', 'random'] as MaskingMode[]) {
  const t0 = performance.now();
  const s = mlmCorpusStats(reports, { rng: new Rng(2024), tokenizer, mode });
  const ms = performance.now() - t0;
  console.log(`\n== mode ${mode} (${reports.length} reports, ${(ms / reports.length).toFixed(2)} ms per report incl. re-analysis)`);
  if (mode === 'paper') {
    console.log(`reports with templates:   ${s.withTemplates} (${pct(s.withTemplates / s.reports)})`);
    console.log(`reports with entities:    ${s.withEntities} (${pct(s.withEntities / s.reports)})`);
    console.log(`reports with descriptors: ${s.withDescriptors}`);
    console.log(`truncated at 256:         ${s.truncated}`);
    console.log(`mean real tokens:         ${s.meanRealTokens.toFixed(1)}`);
    console.log(
      `mean entity / template / descriptor tokens: ${s.meanEntityTokens.toFixed(2)} / ${s.meanTemplateTokens.toFixed(2)} / ${s.meanDescriptorTokens.toFixed(2)}`,
    );
    console.log(`mean weight mass moved:   ${s.meanMovedMass.toFixed(3)} per report (${pct(s.meanMovedShare)} of its weight)`);
    console.log(`max |Σw/L − 1|:           ${s.maxWeightConservationError.toExponential(2)}`);
  }
  const r = s.maskRate;
  console.log(`mask rate: entity ${pct(r.entity)}, descriptor ${pct(r.descriptor)}, other ${pct(r.other)}, no-entity reports ${pct(r.noEntity)}`);
}

const plural = mlmCorpusStats(reports, { rng: new Rng(2024), tokenizer, lexicon: { ...chestXrayEntities(), matchPlurals: true } });
console.log(
  `\n== paper mode with matchPlurals: reports with entities ${plural.withEntities} (${pct(plural.withEntities / plural.reports)}), mean entity tokens ${plural.meanEntityTokens.toFixed(2)}, mean moved mass ${plural.meanMovedMass.toFixed(3)}`,
);
