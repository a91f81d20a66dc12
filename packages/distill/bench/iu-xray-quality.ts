/**
 * Quality of the rule-based distiller on real reports: IU X-ray dev reports with expert MeSH tags
 * (`../shared/data/iu-xray/reports-dev.csv`). Tags are mapped to lexicon entities with
 * `data/mesh-to-lexicon.json`; prints per-report entity presence precision/recall/F1 (micro),
 * laterality accuracy and a per-entity breakdown. Run: `pnpm --filter @ecamp/distill bench`.
 */
import { sharedDataPath } from '@ecamp/vitest-preset/shared-data';
import { defaultMeshTable, goldEntitiesFromMesh, scoreEntityPresence } from '../src/quality.js';
import { readReports } from '../src/reports-input.js';
import { RuleDistiller } from '../src/rule-distiller.js';

const path = sharedDataPath('iu-xray/reports-dev.csv');
if (!path) {
  console.log('[skip] iu-xray quality benchmark: ../shared/data/iu-xray/reports-dev.csv is not present');
  process.exit(0);
}
const table = defaultMeshTable();
const distiller = new RuleDistiller();
const items = [];
const started = performance.now();
for await (const report of readReports(path)) {
  items.push({ id: report.id, gold: goldEntitiesFromMesh(report.fields?.MeSH ?? '', table), predicted: distiller.distill(report.text), text: report.text });
}
const ms = performance.now() - started;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
for (const uncertainAsPresent of [true, false]) {
  const q = scoreEntityPresence(items, table, { uncertainAsPresent });
  console.log(`\nrule-based distiller, IU X-ray dev (${q.reports} reports), uncertain counted as ${uncertainAsPresent ? 'present' : 'absent'}:`);
  console.log(`  entity presence  precision ${pct(q.precision)}  recall ${pct(q.recall)}  F1 ${pct(q.f1)}  (tp ${q.truePositives}, fp ${q.falsePositives}, fn ${q.falseNegatives})`);
  console.log(`  laterality accuracy ${pct(q.lateralityAccuracy)} (${q.lateralityCorrect}/${q.lateralityTotal} sided gold tags whose entity was found)`);
  if (uncertainAsPresent) {
    console.log('  per entity (tp/fp/fn):');
    for (const [e, c] of Object.entries(q.perEntity).sort((a, b) => b[1].tp + b[1].fn - (a[1].tp + a[1].fn))) {
      console.log(`    ${e.padEnd(16)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}`);
    }
  }
}
console.log(`\n  distilled ${items.length} reports in ${ms.toFixed(0)} ms (${((1000 * items.length) / ms).toFixed(0)} reports/s, includes CSV parsing)`);
if (process.env.DISTILL_BENCH_DUMP) {
  const entity = process.env.DISTILL_BENCH_DUMP;
  for (const it of items) {
    const g = it.gold.some((x) => x.entity === entity);
    const p = it.predicted.entities.some((x) => x.entity === entity && x.status !== 'absent');
    if (g !== p) console.log(`${g ? 'FN' : 'FP'} ${it.id}: ${it.text}`);
  }
}
