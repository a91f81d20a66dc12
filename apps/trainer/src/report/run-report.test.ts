import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakePicture, handMadeRun } from '../../test/report-fixtures.js';
import { OBJECTIVES } from '../pretrain/objectives/registry.js';
import { readRunFolder } from './read-run.js';
import { formatBackend, pictureColumns, renderRunReport, spread } from './run-report.js';

const at = new Date('2026-11-30T12:00:00Z');

/** Every src/href value in the page. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
}

describe('renderRunReport', () => {
  it('labels every section, embeds pictures and charts, and loads nothing from outside', () => {
    const { dir } = handMadeRun();
    const html = renderRunReport(readRunFolder(dir), { now: at, attention: { ok: false, reason: 'test reason' } });
    for (const id of ['facts', 'config', 'curves', 'pictures', 'attention', 'evaluation', 'ablation', 'issues']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('finished: pre-training and evaluation (summary.json)');
    expect(html).toContain('native (openblas, Haswell) — 2 threads, SIMD');
    expect(html).toContain('3 min 05 s');
    expect(html).toContain('90 chosen from entity attention, 6 centred');
    // loss chart: one line per objective plus the learning rate; throughput and gradient charts
    for (const s of ['total (weighted sum)', 'MIM (masked image modelling)', 'SR (super-resolution)', 'MLM (masked report words)', 'learning rate']) {
      expect(html).toMatch(new RegExp(`<path data-series="${s.replace(/[()]/g, '\\$&')}" data-points="10"`));
    }
    expect(html).toMatch(/<path data-series="milliseconds per step" data-points="10"/);
    expect(html).toMatch(/<path data-series="images per second" data-points="10"/);
    expect(html).toMatch(/<path data-series="clipping threshold \(3\)" data-points="2"/);
    // three pictures, each labelled with its step and its four panels
    expect(html.match(/<figure class="training-picture"/g)).toHaveLength(3);
    expect(html).toContain('Step 12 — above, the training picture (pictures/step-000012.png)');
    expect(html).toContain('<span>SR output + window</span>');
    expect(html).toContain('25 % of the 16×16-pixel patches');
    // the entity words' attention under the training pictures of steps 5 and 12, explained; step 10 has none
    expect(html).toContain("the attention of the fusion layer from the example's <em>entity words</em>");
    expect(html).toContain('with the red 12×12-patch window this attention selects for super-resolution');
    const rows = html.split('<figure class="training-picture"').slice(1);
    expect(rows.map((r) => (r.match(/<div class="step-attention"/g) ?? []).length)).toEqual([1, 0, 1]);
    expect(rows[0]).toMatch(
      /<div class="step-attention" style="width: 48\.57%"><img src="data:image\/png;base64,[^"]+" width="68" height="32" alt="Step 5: the entity words&#39; attention over the whole radiograph, with the SR window it selects">/,
    );
    expect(rows[0]).toContain('<span>entity-word attention + the window it selects</span>');
    expect(rows[0]).toContain(
      "<figcaption>Step 5 — above, the training picture (pictures/step-000005.png); below, where the entity words of this radiograph's report look with the weights of step 5 (pictures/attention-step-000005.png)</figcaption>",
    );
    expect(rows[1]).toContain('<figcaption>Step 10 — pictures/step-000010.png</figcaption>');
    expect(rows[1]).toContain('No attention picture at this step');
    expect(html).toContain('pictures/attention-step-000007.png');
    // evaluation with the paired difference and per-label chart; synthetic label names
    expect(html).toContain('<strong>+0.0500</strong>');
    expect(html).toContain('pre-training helped: the whole interval is above 0');
    expect(html).toContain('data-category="pleural effusion"');
    // ablation row of this run marked
    expect(html).toContain('fusion ◀ this run');
    // the attention panel's reason, and what could not be read
    expect(html).toContain('No attention picture for this run: test reason.');
    expect(html).toContain('line 12 is not JSON (a torn last line');
    // config text is escaped; nothing is loaded from anywhere
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const l of links(html)) expect(l).toMatch(/^data:image\/png;base64,/);
    expect(html).toContain('2026-11-30 12:00:00 UTC');
  });

  it('speaks of no window under the training pictures of a run without super-resolution', () => {
    const run = readRunFolder(handMadeRun().dir);
    const objectives = run.config!.objectives as Record<string, object>;
    run.config = { ...run.config, objectives: { ...objectives, superres: { enabled: false } } };
    const html = renderRunReport(run, { now: at });
    expect(html).toContain("the attention of the fusion layer from the example's <em>entity words</em>");
    expect(html).not.toContain('window this attention selects');
    expect(html).toContain('<span>entity-word attention</span>');
    expect(html).toContain('alt="Step 5: the entity words&#39; attention over the whole radiograph"');
  });

  it('says how far a run got when it has no summary, evaluation or pictures', () => {
    const { dir } = handMadeRun({ finished: false, evaluation: false });
    rmSync(join(dir, 'pictures'), { recursive: true });
    const html = renderRunReport(readRunFolder(dir), {
      now: at,
      backend: { backend: 'wasm', requested: 'native', simd: true, threads: 1, fallbackReason: 'native kernels unavailable' },
    });
    expect(html).toContain('not finished — still running or stopped: last logged step 10 of 12');
    expect(html).toContain('wasm — 1 thread, SIMD; native was asked for (native kernels unavailable)');
    expect(html).toContain('No training pictures in this run folder');
    expect(html).toContain('No evaluation in this run folder');
    expect(html).toContain('Not computed for this report (ecamp report --no-attention).');
  });

  it('names the objectives from the registry, in its order: loss curves, configuration rows, their explanation and the ablation columns', () => {
    const html = renderRunReport(readRunFolder(handMadeRun().dir), { now: at });
    const curves = [...html.matchAll(/<path data-series="([^"]+)" data-points/g)].map((m) => m[1]).slice(0, OBJECTIVES.length + 1);
    expect(curves).toEqual(['total (weighted sum)', ...OBJECTIVES.map((o) => `${o.label} (${o.brief})`)]);
    expect([...html.matchAll(/<td>(\w+) objective<\/td>/g)].map((m) => m[1])).toEqual(OBJECTIVES.map((o) => o.label));
    expect(html).toContain('<td>MLM objective</td><td>on, weight 0.50; masking: paper; fusion: patches+pooled</td>');
    expect(html).toContain('<td>SR objective</td><td>on, weight 1.00; window: online</td>');
    for (const o of OBJECTIVES) expect(html).toContain(`${o.label} — ${o.summary}.`);
    expect(html).toContain(OBJECTIVES.map((o) => `<th>final ${o.label}</th>`).join(''));
  });

  it('labels the two panels of a run without a pixel decoder (MIM and SR off): masked input and target', () => {
    const { dir } = handMadeRun();
    for (const step of [5, 10, 12]) writeFileSync(join(dir, 'pictures', `step-${String(step).padStart(6, '0')}.png`), fakePicture(2));
    const html = renderRunReport(readRunFolder(dir), { now: at });
    expect(html).toContain('<span>masked input</span><span>target + window</span></div>');
    expect(html).not.toContain('MIM reconstruction');
  });

  it('embeds at most maxPictures pictures, first and last kept', () => {
    const { dir } = handMadeRun();
    const html = renderRunReport(readRunFolder(dir), { now: at, maxPictures: 2 });
    expect(html.match(/<figure class="training-picture" data-step="(\d+)"/g)).toEqual([
      '<figure class="training-picture" data-step="5"',
      '<figure class="training-picture" data-step="12"',
    ]);
    expect(html).toContain('2 of 3 pictures shown');
  });
});

describe('run report helpers', () => {
  it('spread keeps first and last and spaces the rest evenly', () => {
    expect(spread([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(spread([1, 2, 3], 1)).toEqual([3]);
  });

  it('pictureColumns counts 448-pixel panels 4 pixels apart', () => {
    expect(pictureColumns(1804, 448)).toBe(4);
    expect(pictureColumns(1352, 448)).toBe(3);
    expect(pictureColumns(448, 448)).toBe(1);
  });

  it('formatBackend says what ran, with what, and why not what was asked', () => {
    expect(formatBackend(undefined)).toBe('not recorded in this run folder');
    expect(formatBackend({ backend: 'tensorflow', provider: '@tensorflow/tfjs-node', threads: 8 })).toBe('tensorflow via @tensorflow/tfjs-node — 8 threads');
  });
});
