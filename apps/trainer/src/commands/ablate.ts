import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, presetDir } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { runAll } from '../run/pipeline.js';
import { writeFileAtomic } from '@ecamp/io';
import { readEvidenceGrid } from '../evidence/grid.js';
import { runEvidence } from '../evidence/run.js';
import { configHelp, configOptions, type Command } from './command.js';
import { reportAfterRun } from '../report/write.js';
import { OBJECTIVES } from '../pretrain/objectives/registry.js';

const GridSchema = z.strictObject({
  description: z.string().optional(),
  variants: z.array(z.strictObject({ name: z.string().regex(/^[\w.-]+$/), set: z.array(z.string()) })).min(1),
});

/** One row of the ablation table. */
export interface AblationRow {
  variant: string;
  overrides: string[];
  finalLoss: Record<string, number | undefined>;
  msPerStep: number;
  auroc: number;
  scratchAuroc?: number;
}

/** Reads and validates an ablation grid file (`{variants: [{name, set: [key=value…]}]}`). */
export function readGrid(path: string): z.infer<typeof GridSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the ablation grid: ${(e as Error).message}`);
  }
  const parsed = GridSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${path}: invalid ablation grid\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** Markdown table of ablation rows: the final loss of every registered objective (a dash where it was off), speed, AUROC. */
export function formatAblationTable(rows: AblationRow[]): string {
  const columns = ['variant', ...OBJECTIVES.map((o) => o.label), 'ms/step', 'AUROC (pre-trained)', 'AUROC (scratch)'];
  const f = (v: number | undefined, d = 4) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(d));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns),
    `|${'---|'.repeat(columns.length)}`,
    ...rows.map((r) => line([r.variant, ...OBJECTIVES.map((o) => f(r.finalLoss[o.name])), r.msPerStep.toFixed(0), f(r.auroc), f(r.scratchAuroc)])),
  ].join('\n');
}

/** `ecamp ablate`: runs a grid of config overrides and writes a comparison table. */
export const ablateCommand: Command = {
  name: 'ablate',
  summary: 'run the ablation grid (objectives, fusion variants, masking) and tabulate',
  help: `Usage: ecamp ablate [options]

Runs the base configuration once per variant of an ablation grid (each variant a
list of --set overrides), each a full 'ecamp run' named <name>-<variant>, and
writes <outDir>/ablation-<name>.md, .json and .html (every variant's report.html
too). The synthetic set is generated once
and shared. The scratch-encoder baseline is computed only for the first variant.

With --preset evidence it runs the evidence benchmark instead (configs/evidence.json:
cumulative component rows × seeds × 1 %/10 % labels, linear probe, fine-tuning,
segmentation and detection on 1,000 held-out images; resumable; the same as
'pnpm --filter @ecamp/trainer bench:evidence'). --set then applies to every row.

Options:
${configHelp}
      --grid <file>            the grid (default: the trainer's configs/ablation.json,
                               or configs/evidence.json with --preset evidence)
      --preset evidence        the evidence benchmark
      --only <a,b,…>           run only these variants (rows)`,
  options: { ...configOptions, grid: { type: 'string' }, only: { type: 'string' }, preset: { type: 'string' } },
  async run(values) {
    if (values.preset !== undefined) {
      if (values.preset !== 'evidence') throw new ConfigError(`--preset: unknown preset '${String(values.preset)}' (the one preset is 'evidence')`);
      const gridPath = (values.grid as string | undefined) ?? join(presetDir, 'evidence.json');
      const started = performance.now();
      const report = await runEvidence({
        grid: readEvidenceGrid(gridPath),
        gridPath,
        set: values.set as string[],
        only: (values.only as string | undefined)?.split(',').filter(Boolean),
        log: createLogger('evidence'),
      });
      await reportAfterRun(report.dir, createLogger('evidence'));
      process.stdout.write(
        `${report.table}\n\nfiles: ${report.dir}/{table.md,results.json,chart.svg,report.html}\nwall time: ${((performance.now() - started) / 60000).toFixed(1)} min\n`,
      );
      return 0;
    }
    const gridPath = (values.grid as string | undefined) ?? join(presetDir, 'ablation.json');
    const grid = readGrid(gridPath);
    const only = (values.only as string | undefined)?.split(',').filter(Boolean);
    const unknown = only?.filter((n) => !grid.variants.some((v) => v.name === n)) ?? [];
    if (unknown.length) throw new ConfigError(`--only: no variant named ${unknown.join(', ')} in ${gridPath}`);
    const variants = grid.variants.filter((v) => !only || only.includes(v.name));
    // Validate every variant before spending hours on the first.
    const base = loadConfig(values.config as string, values.set as string[]);
    const configs = variants.map((v, k) =>
      loadConfig(values.config as string, [
        ...(values.set as string[]),
        ...v.set,
        `name=${base.name}-${v.name}`,
        ...(k > 0 ? ['evaluate.compareWithScratch=false'] : []),
      ]),
    );
    const rows: AblationRow[] = [];
    let scratch: number | undefined;
    for (const [k, config] of configs.entries()) {
      const log = createLogger(config.name);
      log.info(`ablation ${k + 1}/${configs.length}: ${variants[k].name} (${variants[k].set.join(' ') || 'base'})`);
      const { pretrain, evaluation, runDir } = await runAll(config, log);
      scratch ??= evaluation.results.find((e) => e.encoder === 'scratch')?.auroc;
      rows.push({
        variant: variants[k].name,
        overrides: variants[k].set,
        finalLoss: { ...pretrain.lastLoss },
        msPerStep: pretrain.msPerStep,
        auroc: evaluation.results.find((e) => e.encoder === 'pretrained')!.auroc,
        scratchAuroc: scratch,
      });
      const table = formatAblationTable(rows);
      writeFileAtomic(join(base.outDir, `ablation-${base.name}.md`), `# Ablation of ${base.name}\n\n${table}\n`);
      writeFileAtomic(join(base.outDir, `ablation-${base.name}.json`), `${JSON.stringify(rows, null, 2)}\n`);
      await reportAfterRun(runDir.root, log);
    }
    await reportAfterRun(join(base.outDir, `ablation-${base.name}.json`), createLogger(base.name));
    process.stdout.write(`${formatAblationTable(rows)}\n`);
    return 0;
  },
};
