/**
 * Quality of entity distillation on real reports: IU X-ray reports with expert MeSH tags
 * (`../shared/data/iu-xray/reports-dev.csv`). Tags become lexicon entities through
 * `data/mesh-to-lexicon.json` (and, as a stricter second reading, through its headings only);
 * prints per-report entity presence precision/recall/F1 (micro), laterality accuracy, errors by
 * kind, and P/R/F1 per entity, each with "uncertain" counted as present and as absent.
 *
 *   pnpm --filter @ecamp/distill bench                      # rule distiller, held-out split
 *   tsx bench/iu-xray-quality.ts --split tune|test|all      # which reports (see iuXraySplit)
 *   tsx bench/iu-xray-quality.ts --predictions out.jsonl    # score a model's ecamp-distill --out-jsonl
 *   tsx bench/iu-xray-quality.ts --split tune --dump opacity   # list that entity's errors (tune split only)
 *
 * Rules are developed on the `tune` split only; the `test` split (the default) is scored, never read.
 */
import { parseArgs } from 'node:util';
import { sharedDataPath } from '@ecamp/vitest-preset/shared-data';
import { readPredictions } from '../src/predictions.js';
import { defaultMeshTable, formatQualityReport, goldEntitiesFromMesh, headingsOnlyTable, iuXraySplit, scoreEntityPresence } from '../src/quality.js';
import { readReports } from '../src/reports-input.js';
import { RuleDistiller } from '../src/rule-distiller.js';
import type { Distillation } from '../src/schema.js';

const { values } = parseArgs({
  options: { split: { type: 'string', default: 'test' }, predictions: { type: 'string' }, dump: { type: 'string' } },
});
const split = values.split;
if (split !== 'tune' && split !== 'test' && split !== 'all') throw new Error(`--split: expected tune, test or all, got "${split}"`);
if (values.dump && split !== 'tune') throw new Error('--dump lists individual reports: only on --split tune (the test split is scored, never read)');

const path = sharedDataPath('iu-xray/reports-dev.csv');
if (!path) {
  console.log('[skip] iu-xray quality benchmark: ../shared/data/iu-xray/reports-dev.csv is not present');
  process.exit(0);
}
const predictions = values.predictions ? readPredictions(values.predictions) : undefined;
const distiller = new RuleDistiller();
const table = defaultMeshTable();
const items: { id: string; mesh: string; text: string; predicted: Distillation }[] = [];
let missing = 0;
const started = performance.now();
for await (const report of readReports(path)) {
  if (split !== 'all' && iuXraySplit(report.id) !== split) continue;
  let predicted: Distillation;
  if (predictions) {
    const p = predictions.byId.get(report.id);
    if (!p) missing += 1;
    predicted = p ?? { entities: [] };
  } else predicted = distiller.distill(report.text);
  items.push({ id: report.id, mesh: report.fields?.MeSH ?? '', text: report.text, predicted });
}
const ms = performance.now() - started;
const source = values.predictions ? `predictions ${values.predictions}` : 'rule-based distiller';
console.log(`${source}, IU X-ray ${split} split (${items.length} reports)`);
if (predictions) console.log(`  ${missing} reports have no prediction in the file (scored as predicting nothing)`);
for (const [name, t] of [
  ['MeSH table data/mesh-to-lexicon.json', table],
  ['MeSH headings only (no anatomy-location rule)', headingsOnlyTable(table)],
] as const) {
  const scoredItems = items.map((it) => ({ gold: goldEntitiesFromMesh(it.mesh, t), predicted: it.predicted }));
  for (const uncertainAsPresent of [true, false]) {
    const q = scoreEntityPresence(scoredItems, t, { uncertainAsPresent });
    console.log(`\n${name}, uncertain counted as ${uncertainAsPresent ? 'present' : 'absent'}:`);
    console.log(formatQualityReport(q, { perEntity: t === table }));
  }
}
if (!predictions)
  console.log(`\n  distilled ${items.length} reports in ${ms.toFixed(0)} ms (${((1000 * items.length) / ms).toFixed(0)} reports/s, includes CSV parsing)`);
if (values.dump) {
  const entity = values.dump;
  for (const it of items) {
    const gold = goldEntitiesFromMesh(it.mesh, table).filter((g) => g.entity === entity);
    const pred = it.predicted.entities.filter((x) => x.entity === entity && x.status !== 'absent');
    const sideWrong = gold.some((g) => g.laterality && pred.length && !pred.some((p) => p.laterality === g.laterality));
    if (gold.length > 0 !== pred.length > 0 || sideWrong) {
      const kind = !gold.length ? 'FP' : !pred.length ? 'FN' : 'SIDE';
      console.log(
        `${kind} ${it.id} [${it.mesh}] {${it.predicted.entities
          .filter((x) => x.entity === entity)
          .map((x) => `${x.status}/${x.laterality}`)
          .join(' ')}}: ${it.text}`,
      );
    }
  }
}
