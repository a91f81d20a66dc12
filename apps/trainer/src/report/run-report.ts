/**
 * The HTML report of one run folder: what ran and where, the configuration, training curves per
 * objective with the learning rate, throughput, the training pictures over time, the text→image
 * attention of the entity words, the evaluation, and the ablation the run belongs to. Every
 * panel says in plain words what it shows.
 */
import { LABEL_NAMES } from '@ecamp/data';
import { OBJECTIVES } from '../pretrain/objectives/registry.js';
import type { EntityAttentionOutcome } from './entity-attention.js';
import { dataUri, esc, fmt, fmtBytes, fmtDuration, page, table, type Cell } from './html.js';
import { ablationTable, LOSS_CURVES } from './objectives.js';
import { field, numberAt, type JsonObject, type MetricRow, type RunFolder } from './read-run.js';
import { barChart, lineChart, type LineChartOptions, type LineSeries } from './svg-chart.js';

/** The backend as `initBackend` reports it (recorded in summary.json, or passed by the command that just ran). */
export interface BackendLine {
  backend?: string;
  requested?: string;
  threads?: number;
  simd?: boolean;
  fallbackReason?: string;
  provider?: string;
  native?: { blas?: string; blasCore?: string };
}

/** Options of {@link renderRunReport}. */
export interface RunReportOptions {
  /** The backend the run used, when the caller knows it (summary.json has it for `ecamp run`). */
  backend?: BackendLine;
  /** The attention panel (computed by `entityAttentionPanel`), or why it is missing. */
  attention?: EntityAttentionOutcome;
  /** The backend the report computed the attention panel on. */
  attentionBackend?: string;
  /** Most training pictures embedded (evenly spread, first and last kept; default 8). */
  maxPictures?: number;
  /** Time printed in the footer (default now). */
  now?: Date;
}

/** Formats the backend line as `native (OpenBLAS, Haswell) — 2 threads, SIMD`. */
export function formatBackend(b: BackendLine | undefined): string {
  if (!b || typeof b.backend !== 'string') return 'not recorded in this run folder';
  let s = b.backend;
  if (b.native?.blas) s += ` (${b.native.blas}${b.native.blasCore ? `, ${b.native.blasCore}` : ''})`;
  if (b.provider) s += ` via ${b.provider}`;
  const bits = [typeof b.threads === 'number' ? `${b.threads} thread${b.threads === 1 ? '' : 's'}` : undefined, b.simd ? 'SIMD' : undefined].filter(Boolean);
  if (bits.length) s += ` — ${bits.join(', ')}`;
  if (b.requested && b.requested !== b.backend) s += `; ${b.requested} was asked for`;
  if (b.fallbackReason) s += ` (${b.fallbackReason})`;
  return s;
}

/** Chooses at most `max` items, evenly spread, always keeping the first and the last. */
export function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  if (max <= 1) return items.slice(-1);
  return Array.from({ length: max }, (_, k) => items[Math.round((k * (items.length - 1)) / (max - 1))]);
}

function series(metrics: readonly MetricRow[], key: string): [number, number][] {
  return metrics.filter((r) => key in r.values).map((r) => [r.step, r.values[key]]);
}

/** A line chart of `s` over the optimiser steps (600×320 unless `o` sizes it). */
function stepChart(s: readonly LineSeries[], o: Omit<LineChartOptions, 'xLabel'>): string {
  return lineChart(s, { xLabel: 'optimiser step', ...o });
}

function lossChart(run: RunFolder): string {
  const logged = LOSS_CURVES.filter((c) => run.metrics.some((r) => c.key in r.values));
  const s: LineSeries[] = logged.map((c) => ({ name: `${c.label} (${c.brief})`, points: series(run.metrics, c.key), colour: c.colour }));
  if (run.metrics.some((r) => 'lr' in r.values))
    s.push({ name: 'learning rate', points: series(run.metrics, 'lr'), colour: '#888888', axis: 'right', dashed: true });
  return stepChart(s, { title: 'Loss per objective, and the learning rate', yLabel: 'loss', rightLabel: 'learning rate', width: 760, height: 360 });
}

function throughputChart(run: RunFolder): string | undefined {
  const ms = series(run.metrics, 'ms');
  if (!ms.length) return undefined;
  const perStep = (numberAt(run.config, 'data.batchSize') ?? NaN) * (numberAt(run.config, 'optim.accumulate') ?? 1);
  const s: LineSeries[] = [{ name: 'milliseconds per step', points: ms, colour: '#6a3d9a' }];
  if (Number.isFinite(perStep)) s.push({ name: 'images per second', points: ms.map(([x, y]) => [x, (perStep * 1000) / y]), colour: '#33a02c', axis: 'right' });
  return stepChart(s, { title: 'Throughput', yLabel: 'milliseconds per step', rightLabel: 'images per second' });
}

function gradChart(run: RunFolder): string | undefined {
  const g = series(run.metrics, 'gradNorm');
  if (!g.length) return undefined;
  const s: LineSeries[] = [{ name: 'gradient norm before clipping', points: g, colour: '#b15928' }];
  const clip = numberAt(run.config, 'optim.clipNorm');
  if (clip !== undefined)
    s.push({
      name: `clipping threshold (${clip})`,
      points: [
        [g[0][0], clip],
        [g[g.length - 1][0], clip],
      ],
      colour: '#e31a1c',
      dashed: true,
    });
  return stepChart(s, { title: 'Gradient norm', yLabel: 'global L2 norm' });
}

/** How many panels a training picture has (448-pixel panels, 4 pixels apart). */
export function pictureColumns(width: number, height: number): number {
  return Math.max(1, Math.round((width + 4) / (height + 4)));
}

function pictureCaptions(columns: number, maskRatio: number | undefined): string[] {
  const visible = maskRatio === undefined ? 'a quarter' : `${Math.round((1 - maskRatio) * 100)} %`;
  const masked = `Masked input: what the encoder saw — ${visible} of the 16×16-pixel patches; the hidden ones are flat grey.`;
  const recon =
    'MIM reconstruction: the visible patches pasted back, the hidden ones predicted by the decoder. The closer to the target, the better the masked-image modelling.';
  const sr =
    'Super-resolution output: the 448-pixel image the SR head made from the 224-pixel reconstruction. The red square is the context window whose pixels the SR loss compares.';
  const target = 'Target: the real 448-pixel view of the radiograph (after the training crop and flip), with the same window.';
  // 4 panels: every objective's; 3: without SR; 2: without MIM and SR (no pixel decoder, so no reconstruction).
  return columns >= 4 ? [masked, recon, sr, target] : columns === 3 ? [masked, recon, target] : columns === 2 ? [masked, target] : [masked];
}

function picturesSection(run: RunFolder, max: number): string {
  if (!run.pictures.length)
    return `<p class="note">No training pictures in this run folder (pictures/step-NNNNNN.png are written every log.pictureEvery steps and at the end).</p>`;
  const shown = spread(run.pictures, max);
  const maskRatio = numberAt(run.config, 'model.maskRatio');
  const out: string[] = [];
  out.push(
    `<p class="explain">At each picture step, one radiograph of that step's batch drawn with the model's weights at that step (so the radiograph and its training crop change from row to row; the hidden patches follow the same fixed pattern every time). Left to right:</p><ol class="explain">`,
  );
  const columns = pictureColumns(shown[shown.length - 1].width, shown[shown.length - 1].height);
  for (const c of pictureCaptions(columns, maskRatio)) out.push(`<li>${esc(c)}</li>`);
  out.push('</ol>');
  const withAttention = run.pictures.some((p) => p.attention);
  if (withAttention) {
    out.push(
      `<p class="explain">Below each of them, where the text side looks at that step: the same radiograph, whole (nothing hidden), and over it the attention of the fusion layer from the example's <em>entity words</em> ` +
        `(the findings and anatomy of the lexicon in its report, read without masking) to the image patches — summed over those words, averaged over heads; dark = little attention, bright yellow = most — ` +
        (trainsSuperres(run)
          ? `with the red ${esc(windowCellsText(run))}-patch window this attention selects for super-resolution. ` +
            `It can differ from the window in the panels above, which the training step chose from the masked report and the visible patches only. `
          : '') +
        `The same drawing as "Where the report's entity words look" below, but with the weights of each step rather than only the final ones.</p>`,
    );
  }
  if (shown.length < run.pictures.length)
    out.push(`<p class="explain">${shown.length} of ${run.pictures.length} pictures shown, evenly spread over the run.</p>`);
  for (const p of shown) {
    const cols = pictureColumns(p.width, p.height);
    const label = p.step !== undefined ? `Step ${p.step}` : p.file;
    const names = ['masked input', 'MIM reconstruction', 'SR output + window', 'target + window'];
    const heads = cols >= 4 ? names : cols === 3 ? [names[0], names[1], names[3]] : cols === 2 ? [names[0], names[3]] : names.slice(0, 1);
    let attention = '';
    let files = esc(p.file);
    if (p.attention) {
      const a = p.attention;
      const what = trainsSuperres(run) ? 'entity-word attention + the window it selects' : 'entity-word attention';
      // Drawn at the scale of the training picture's panels.
      attention =
        `<div class="step-attention" style="width: ${((100 * a.width) / p.width).toFixed(2)}%"><img src="${dataUri('image/png', a.png)}" width="${a.width}" height="${a.height}" alt="${esc(`${label}: the entity words' attention over the whole radiograph${trainsSuperres(run) ? ', with the SR window it selects' : ''}`)}">` +
        `<div class="panel-labels" style="grid-template-columns: 1fr 1fr"><span>the radiograph, whole</span><span>${esc(what)}</span></div></div>`;
      files = `above, the training picture (${esc(p.file)}); below, where the entity words of this radiograph's report look with the weights of ${p.step !== undefined ? `step ${p.step}` : 'this picture'} (${esc(a.file)})`;
    } else if (withAttention) {
      attention = `<p class="note">No attention picture at this step (it is drawn when one of the step's reports has an entity word of the lexicon).</p>`;
    }
    out.push(
      `<figure class="training-picture" data-step="${p.step ?? ''}"><img src="${dataUri('image/png', p.png)}" width="${p.width}" height="${p.height}" alt="${esc(`${label}: ${heads.join(', ')}`)}">` +
        `<div class="panel-labels" style="grid-template-columns: repeat(${cols}, 1fr)">${heads.map((h) => `<span>${esc(h)}</span>`).join('')}</div>` +
        `${attention}<figcaption>${esc(label)} — ${files}</figcaption></figure>`,
    );
  }
  return out.join('\n');
}

/** Whether the run trains super-resolution (then the attention pictures outline the window they select). */
function trainsSuperres(run: RunFolder): boolean {
  return field(run.config, 'objectives.superres.enabled') !== false;
}

function windowCellsText(run: RunFolder): string {
  const n = numberAt(run.config, 'model.superres.windowCells') ?? 12;
  return `${n}×${n}`;
}

function attentionSection(outcome: EntityAttentionOutcome | undefined, backend: string | undefined, run: RunFolder): string {
  const intro =
    `<p class="explain">How the text side looks at the image: each radiograph's report goes through the text decoder, whose first layer (the context-fusion layer) lets every word attend to the image patches. ` +
    `Below, that attention from the report's <em>entity words</em> (findings and anatomy from the lexicon, highlighted) is summed over those words, averaged over heads, and drawn over the image: dark = little attention, bright yellow = most. ` +
    (trainsSuperres(run)
      ? `The red square is the ${esc(windowCellsText(run))}-patch window this attention selects — the window the super-resolution objective trains on. `
      : '') +
    `Computed at the end of training from the final checkpoint.</p>`;
  if (!outcome) return `${intro}<p class="note">Not computed for this report (ecamp report --no-attention).</p>`;
  if (!outcome.ok) return `${intro}<p class="note">No attention picture for this run: ${esc(outcome.reason)}.</p>`;
  const out = [intro];
  for (const ex of outcome.examples) {
    const words = ex.words
      .map((w, k) => (k > 0 && !/^[.,;:!?)]$/.test(w.text) ? ' ' : '') + (w.entity ? `<span class="entity">${esc(w.text)}</span>` : esc(w.text)))
      .join('');
    out.push(
      `<figure class="attention-picture"><img src="${dataUri('image/png', ex.png)}" width="${ex.width}" height="${ex.height}" alt="${esc(`radiograph ${ex.id} and the entity-word attention over it`)}">` +
        `<div class="panel-labels" style="grid-template-columns: 1fr 1fr; width: ${ex.width}px"><span>radiograph (as the encoder sees it)</span><span>attention of the entity words${ex.window ? ` + SR window (i=${ex.window.i}, j=${ex.window.j})` : ''}</span></div>` +
        `<figcaption>${esc(ex.id)}. Entity words: ${esc(ex.entityWords.join(', '))}.<br><span class="tokens">${words}</span></figcaption></figure>`,
    );
  }
  out.push(
    `<p class="explain">Checkpoint: ${esc(outcome.checkpoint)}${outcome.step ? ` (step ${esc(outcome.step)})` : ''}; computed by the report on ${esc(backend ?? 'the default backend')}.</p>`,
  );
  return out.join('\n');
}

function evaluationResults(run: RunFolder): { results: JsonObject[]; difference?: JsonObject } | undefined {
  const raw = run.evaluation ?? (field(run.summary, 'evaluation') as unknown);
  if (Array.isArray(raw)) return { results: raw.filter((r): r is JsonObject => typeof r === 'object' && r !== null) };
  const results = field(raw, 'results');
  if (!Array.isArray(results)) return undefined;
  const difference = field(raw, 'difference');
  return {
    results: results.filter((r): r is JsonObject => typeof r === 'object' && r !== null),
    difference: typeof difference === 'object' && difference !== null ? (difference as JsonObject) : undefined,
  };
}

function interval(o: unknown, signed = false): string {
  const lo = numberAt(o, 'low');
  const hi = numberAt(o, 'high');
  const level = numberAt(o, 'level');
  if (lo === undefined || hi === undefined) return '–';
  const f = (v: number) => (signed && v >= 0 ? '+' : '') + v.toFixed(3);
  return `${f(lo)} … ${f(hi)}${level !== undefined ? ` (${Math.round(level * 100)} %)` : ''}`;
}

function evaluationSection(run: RunFolder): string {
  const ev = evaluationResults(run);
  if (!ev || !ev.results.length)
    return `<p class="note">No evaluation in this run folder (evaluation.json is written by 'ecamp run' and 'ecamp evaluate').</p>`;
  const protocol = String(ev.results[0].protocol ?? 'linear-probe');
  const how =
    protocol === 'linear-probe'
      ? "A linear probe — one linear layer on the frozen encoder's features — is trained on the labelled training images"
      : 'The encoder and a classification head are fine-tuned on the labelled training images';
  const out = [
    `<p class="explain">${esc(how)} and scored on held-out test images. AUROC measures how well the scores rank images with a finding above images without it: 0.5 is chance, 1 is perfect. ` +
      `The <em>scratch</em> row is the same head on a randomly initialised encoder, so the difference between the rows is what pre-training bought. Intervals are percentile bootstrap intervals over the test images.</p>`,
  ];
  const rows: Cell[][] = ev.results.map((r) => [
    String(r.encoder ?? '?'),
    fmt(r.auroc, 4),
    interval(r.aurocInterval),
    fmt(r.accuracy, 4),
    String(r.trainImages ?? '–'),
    String(r.testImages ?? '–'),
  ]);
  out.push(table(`Mean AUROC over labels (${protocol})`, ['encoder', 'AUROC', 'interval', 'accuracy', 'training images', 'test images'], rows));
  const d = ev.difference;
  const est = numberAt(d, 'estimate');
  if (d && est !== undefined) {
    const lo = numberAt(d, 'low');
    const hi = numberAt(d, 'high');
    const verdict =
      lo !== undefined && lo > 0
        ? '<span class="good">pre-training helped: the whole interval is above 0</span>'
        : hi !== undefined && hi < 0
          ? '<span class="bad">pre-training hurt: the whole interval is below 0</span>'
          : 'no difference shown: the interval contains 0 (more test images or training steps would tell)';
    out.push(
      `<p>Pre-trained − scratch: <strong>${est >= 0 ? '+' : ''}${est.toFixed(4)}</strong> (paired bootstrap ${esc(interval(d, true))}) — ${verdict}.</p>`,
    );
  }
  const perLabel = ev.results.map((r) => (Array.isArray(r.perLabelAuroc) ? (r.perLabelAuroc as unknown[]).map((v) => (typeof v === 'number' ? v : NaN)) : []));
  const n = Math.max(0, ...perLabel.map((p) => p.length));
  if (n > 0) {
    const synthetic = (field(run.config, 'data.source') ?? 'synthetic') === 'synthetic' && n === LABEL_NAMES.length;
    const names = Array.from({ length: n }, (_, k) => (synthetic ? LABEL_NAMES[k].replace(/_/g, ' ') : `label ${k + 1}`));
    const colours = ['#1f77b4', '#aaaaaa', '#ff7f0e', '#2ca02c'];
    out.push(
      barChart(
        names,
        ev.results.map((r, k) => ({ name: `${String(r.encoder ?? k)} encoder`, values: perLabel[k], colour: colours[k % colours.length] })),
        {
          title: 'AUROC per label on the test images',
          valueLabel: 'AUROC (0.5 = chance, 1 = perfect)',
          domain: [0, 1],
          reference: { value: 0.5, label: 'chance' },
          width: 700,
        },
      ),
    );
    out.push(
      table(
        'AUROC per label',
        ['label', ...ev.results.map((r) => String(r.encoder ?? '?'))],
        names.map((name, k) => [name, ...perLabel.map((p) => fmt(p[k], 3))]),
      ),
    );
  }
  return out.join('\n');
}

function ablationSection(run: RunFolder): string {
  const a = run.ablation;
  if (!a) return '';
  return (
    `<h2 id="ablation">Ablation this run belongs to</h2><p class="explain">This run is the variant <strong>${esc(a.variant)}</strong> of the ablation '${esc(a.base)}' (${esc(a.file)}): the same configuration with the listed overrides. Final losses are only comparable between variants that train the same objectives; AUROC is the evaluation above.</p>` +
    ablationTable('Ablation variants', a.rows, (r) => `${String(r.variant)}${r.variant === a.variant ? ' ◀ this run' : ''}`)
  );
}

function configSection(run: RunFolder): string {
  const c = run.config;
  if (!c) return `<p class="note">config.json is missing or unreadable.</p>`;
  const on = (k: string) => {
    const e = field(c, `objectives.${k}.enabled`);
    return e === false ? 'off' : `on, weight ${fmt(field(c, `objectives.${k}.weight`) ?? 1, 2)}`;
  };
  const g = (p: string) => {
    const v = field(c, p);
    return v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const rows: Cell[][] = [
    [
      'data',
      `${g('data.source')}${field(c, 'data.source') === 'synthetic' ? `, ${g('data.syntheticCount')} images` : ''}, batch ${g('data.batchSize')} × accumulate ${g('optim.accumulate')}, context ${g('data.context')}`,
    ],
    ['image encoder', `ViT-${g('model.vit')}, ${g('model.imageSize')} px input, ${g('model.patchSize')} px patches, mask ratio ${g('model.maskRatio')}`],
    ...OBJECTIVES.map((o): Cell[] => [`${o.label} objective`, [on(o.name), ...(o.reportSettings ?? []).map((s) => `${s.label}: ${g(s.path)}`)].join('; ')]),
    ['text decoder', `${g('model.text.dim')} wide, ${g('model.text.layers')} layers, ${g('model.text.heads')} heads, ${g('model.text.maxLength')} tokens`],
    [
      'optimiser',
      `AdamW lr ${g('optim.lr')}, betas ${g('optim.betas')}, weight decay ${g('optim.weightDecay')}, ${g('optim.warmupSteps')} warm-up steps, clip ${g('optim.clipNorm')}`,
    ],
    ['length', `${g('optim.steps')} steps${field(c, 'optim.epochs') !== undefined ? ` (${g('optim.epochs')} epochs)` : ''}`],
    ['evaluation', `${g('evaluate.protocol')}, ${g('evaluate.epochs')} epochs, training fraction ${g('evaluate.trainFraction')}`],
    ['seed', g('seed')],
  ];
  return (
    table('Main settings', ['part', 'setting'], rows) +
    `<details><summary>The whole configuration (config.json)</summary><pre>${esc(JSON.stringify(c, null, 2))}</pre></details>`
  );
}

function factsSection(run: RunFolder, opts: RunReportOptions): string {
  const ps = run.pretrainSummary ?? (field(run.summary, 'pretrain') as JsonObject | undefined);
  const lastStep = run.metrics.length ? run.metrics[run.metrics.length - 1].step : undefined;
  const planned = numberAt(run.config, 'optim.steps');
  const status = run.summary
    ? 'finished: pre-training and evaluation (summary.json)'
    : run.pretrainSummary
      ? 'pre-training finished (pretrain-summary.json); no evaluation in this folder'
      : `not finished — still running or stopped: last logged step ${lastStep ?? '–'}${planned !== undefined ? ` of ${planned}` : ''}`;
  const backend = (field(run.summary, 'backend') as BackendLine | undefined) ?? opts.backend;
  const windows = field(ps, 'windows');
  const rows: Cell[][] = [
    ['status', status],
    ['backend', formatBackend(backend)],
    ['wall time', fmtDuration(numberAt(run.summary, 'seconds'))],
    ['optimiser steps', String(numberAt(ps, 'steps') ?? lastStep ?? '–')],
    [
      'time per step',
      numberAt(ps, 'msPerStep') !== undefined ? `${fmt(numberAt(ps, 'msPerStep'), 0)} ms (${fmt(numberAt(ps, 'imagesPerSecond'), 2)} images/s)` : '–',
    ],
    ['skipped updates (non-finite gradients)', String(numberAt(ps, 'skippedUpdates') ?? '–')],
    [
      'SR windows',
      windows
        ? `${numberAt(windows, 'selected') ?? 0} chosen from entity attention, ${numberAt(windows, 'fallbackNoEntity') ?? 0} centred (report without an entity word)`
        : '–',
    ],
    [
      'checkpoints',
      run.checkpoints.length
        ? run.checkpoints.map((k) => `${k.file} (${fmtBytes(k.bytes)}, ${k.tensors} tensors${k.metadata.step ? `, step ${k.metadata.step}` : ''})`).join('; ')
        : 'none',
    ],
  ];
  return table('', [], rows, 'data facts');
}

/** Renders the report of `run` as one self-contained HTML page (inline SVG, images as data URIs, no script, no network). */
export function renderRunReport(run: RunFolder, opts: RunReportOptions = {}): string {
  const title = `ECAMP run report: ${run.name}`;
  const body: string[] = [];
  body.push(`<h1>${esc(title)}</h1>`);
  body.push(
    `<p class="lede">Run folder <code>${esc(run.dir)}</code>${run.modified ? `, last written ${esc(run.modified.toISOString().replace('T', ' ').slice(0, 16))} UTC` : ''}. ECAMP pre-trains a chest X-ray image encoder from radiographs and their reports; this page shows how this run went.</p>`,
  );
  body.push(`<h2 id="facts">How it ran</h2>${factsSection(run, opts)}`);
  body.push(`<h2 id="config">Configuration</h2>${configSection(run)}`);
  body.push(`<h2 id="curves">Training curves</h2>`);
  body.push(
    `<p class="explain">Each objective's loss at each optimiser step — lower is better; <em>total</em> is their weighted sum. ${esc(OBJECTIVES.map((o) => `${o.label} — ${o.summary}.`).join(' '))} ` +
      `The dashed grey line is the learning rate (right axis): a linear warm-up, then a cosine decay. Losses of one step are noisy (each step sees other images); look at the trend.</p>`,
  );
  body.push(`<figure>${lossChart(run)}</figure>`);
  const charts = [throughputChart(run), gradChart(run)].filter(Boolean);
  if (charts.length) {
    body.push(
      `<p class="explain">Throughput: wall-clock milliseconds per optimiser step (all micro-batches, the backward pass and the update) and the images per second that makes. Gradient norm: the size of the whole gradient before clipping; steps above the red line were scaled down to it.</p>`,
    );
    body.push(`<div class="charts">${charts.map((c) => `<figure>${c}</figure>`).join('')}</div>`);
  }
  body.push(`<h2 id="pictures">Training pictures over time</h2>${picturesSection(run, opts.maxPictures ?? 8)}`);
  body.push(`<h2 id="attention">Where the report's entity words look</h2>${attentionSection(opts.attention, opts.attentionBackend, run)}`);
  body.push(`<h2 id="evaluation">Evaluation</h2>${evaluationSection(run)}`);
  body.push(ablationSection(run));
  if (run.issues.length) {
    body.push(
      `<h2 id="issues">What the report could not use</h2><ul>${run.issues.map((i) => `<li><code>${esc(i.file)}</code> ${esc(i.message)}</li>`).join('')}</ul>`,
    );
  }
  body.push(
    `<footer>Written by <code>ecamp report</code> on ${esc((opts.now ?? new Date()).toISOString().replace('T', ' ').slice(0, 19))} UTC. One self-contained file: charts are inline SVG, pictures are embedded, nothing is loaded from the network.</footer>`,
  );
  return page(title, body.filter(Boolean).join('\n'));
}
