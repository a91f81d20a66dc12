/**
 * The reports in a real browser (headless Chromium, Debian's package): charts and pictures are
 * rendered (DOM geometry and decoded images), nothing is requested from any network, and full-page
 * screenshots that are not blank are kept in apps/trainer/test-output/ (CI artefacts).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pictureStats, watchedPage, type Chromium, type Page } from '@ecamp/browser-test';
import { evidenceFolder, handMadeRun, realTinyRun } from '../../test/report-fixtures.js';
import { writeReport } from './write.js';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');
let chrome: Chromium;

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
});

/** What rendered: every chart's size and its lines' drawn lengths, every image's decoded size. (Runs in the page; DOM typed loosely: this package's TypeScript has no DOM library.) */
async function rendered(page: Page) {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: any }).document;
    const all = (root: any, q: string): any[] => [...root.querySelectorAll(q)];
    return {
      charts: all(doc, 'svg.chart').map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          title: (svg.querySelector('title')?.textContent ?? '') as string,
          width: box.width as number,
          height: box.height as number,
          lines: all(svg, 'path[data-series]').map((p) => ({
            series: p.getAttribute('data-series') as string,
            points: Number(p.getAttribute('data-points')),
            length: p.getTotalLength() as number,
          })),
          bars: all(svg, 'rect[data-group]').map((r) => ({ value: r.getAttribute('data-value') as string, width: r.getBBox().width as number })),
        };
      }),
      images: all(doc, 'img').map((i) => ({
        alt: i.alt as string,
        complete: i.complete as boolean,
        width: i.naturalWidth as number,
        height: i.naturalHeight as number,
      })),
      // Each step's attention picture as drawn, beside its training picture as drawn.
      stepAttention: all(doc, 'figure.training-picture .step-attention img').map((i) => ({
        shown: i.getBoundingClientRect().width as number,
        training: i.closest('figure').querySelector('img').getBoundingClientRect().width as number,
        labels: all(i.parentElement, '.panel-labels span').map((x) => x.textContent as string),
      })),
      tables: all(doc, 'table').map((t) => ({ caption: (t.caption?.textContent ?? '') as string, rows: (t.tBodies[0]?.rows.length ?? 0) as number })),
      entityWords: doc.querySelectorAll('span.entity').length as number,
      headings: all(doc, 'h2').map((h) => h.textContent as string),
    };
  });
}

async function open(file: string, shot: string) {
  const { page, errors, foreignRequests } = await watchedPage(chrome.browser, [`file://${dirname(file)}`]);
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const path = join(outDir, shot);
  await page.screenshot({ path, fullPage: true });
  return { page, errors, foreignRequests, shot: { path, ...(await pictureStats(path)) } };
}

describe('the run report in headless Chromium', () => {
  it('renders the charts, the training and attention pictures and the tables of a real tiny run, offline', async () => {
    const run = await realTinyRun();
    const { path } = await writeReport(run.dir);
    const { page, errors, foreignRequests, shot } = await open(path, 'report-run.png');
    const r = await rendered(page);
    expect(r.headings).toEqual([
      'How it ran',
      'Configuration',
      'Training curves',
      'Training pictures over time',
      "Where the report's entity words look",
      'Evaluation',
    ]);
    const titles = r.charts.map((c) => c.title);
    expect(titles).toEqual(['Loss per objective, and the learning rate', 'Throughput', 'Gradient norm', 'AUROC per label on the test images']);
    for (const c of r.charts) {
      expect(c.width, c.title).toBeGreaterThan(300);
      expect(c.height, c.title).toBeGreaterThan(150);
    }
    const loss = r.charts[0].lines;
    expect(loss.map((l) => l.series)).toEqual([
      'total (weighted sum)',
      'MIM (masked image modelling)',
      'MLM (masked report words)',
      'SR (super-resolution)',
      'learning rate',
    ]); // the registry's order
    for (const l of loss) {
      expect(l.points, l.series).toBe(3);
      expect(l.length, `${l.series} drawn`).toBeGreaterThan(50);
    }
    expect(r.charts[3].bars).toHaveLength(16);
    // A label without positive test images has no AUROC (an empty bar); every other bar is drawn to its value.
    const bars = r.charts[3].bars.filter((b) => b.value !== '');
    expect(bars.length).toBeGreaterThanOrEqual(4);
    const top = bars.reduce((a, b) => (Number(b.value) > Number(a.value) ? b : a));
    expect(Number(top.value)).toBeGreaterThan(0);
    for (const b of bars) expect(b.width).toBeCloseTo((top.width * Number(b.value)) / Number(top.value), 0);
    // 3 training pictures (one per step), each with the entity words' attention of its step, and 3 attention pictures of the final checkpoint, all decoded
    expect(r.images).toHaveLength(9);
    for (const i of r.images) {
      expect(i.complete, i.alt).toBe(true);
      expect(i.width, i.alt).toBeGreaterThan(400);
    }
    expect(
      r.images.filter((i) => i.alt.startsWith('Step ')).map((i) => i.alt.replace(/:.*/, (m) => (m.includes('attention') ? ': attention' : ': training'))),
    ).toEqual(['Step 1: training', 'Step 1: attention', 'Step 2: training', 'Step 2: attention', 'Step 3: training', 'Step 3: attention']);
    expect(r.images.filter((i) => i.alt.includes("the entity words' attention over the whole radiograph")).map((i) => [i.width, i.height])).toEqual([
      [900, 448],
      [900, 448],
      [900, 448],
    ]);
    // drawn under its training picture at the same panel scale (900 of 1804 pixels), with its two panels labelled
    expect(r.stepAttention).toHaveLength(3);
    for (const a of r.stepAttention) {
      expect(a.shown / a.training).toBeCloseTo(900 / 1804, 2);
      expect(a.labels).toEqual(['the radiograph, whole', 'entity-word attention + the window it selects']);
    }
    const attentionShot = join(outDir, 'report-run-step-attention.png');
    await page.locator('.step-attention').last().screenshot({ path: attentionShot });
    const s = await pictureStats(attentionShot);
    expect(s.std, `${attentionShot} looks blank`).toBeGreaterThan(20);
    expect(s.colours, `${attentionShot} has no heat-map colours`).toBeGreaterThan(500);
    expect(r.entityWords).toBeGreaterThan(3);
    expect(r.tables.find((t) => t.caption.startsWith('Mean AUROC'))?.rows).toBe(2);
    expect(errors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(shot.std, `${shot.path} looks blank`).toBeGreaterThan(20);
    expect(shot.colours, `${shot.path} has too few colours`).toBeGreaterThan(500);
    // The loss chart alone is not blank either.
    const chartShot = join(outDir, 'report-run-loss-chart.png');
    await page.locator('svg.chart').first().screenshot({ path: chartShot });
    const c = await pictureStats(chartShot);
    expect(c.colours).toBeGreaterThan(8);
    await page.close();
  });

  it('renders a hand-made run with every section, an ablation table and an evidence table', async () => {
    const { outDir: runs, dir } = handMadeRun();
    const run = await writeReport(dir, { attention: false });
    const a = await open(run.path, 'report-handmade.png');
    const r = await rendered(a.page);
    expect(r.headings).toContain('Ablation this run belongs to');
    expect(r.headings).toContain('What the report could not use');
    // three training pictures (4 panels) and the attention pictures of two of their steps (2 panels)
    expect(r.images.map((i) => i.complete && i.width)).toEqual([140, 68, 140, 140, 68]);
    expect(a.errors).toEqual([]);
    expect(a.foreignRequests).toEqual([]);
    await a.page.close();

    const ablation = await writeReport(join(runs, 'ablation-base.json'));
    const b = await open(ablation.path, 'report-ablation.png');
    const rb = await rendered(b.page);
    expect(rb.tables[0].rows).toBe(2);
    expect(rb.charts.map((c) => c.lines[0]?.length ?? 0).every((l) => l > 50)).toBe(true);
    expect(b.foreignRequests).toEqual([]);
    expect(b.shot.std).toBeGreaterThan(20);
    await b.page.close();

    const evidence = await writeReport(evidenceFolder());
    const e = await open(evidence.path, 'report-evidence.png');
    const re = await rendered(e.page);
    expect(re.tables[0].rows).toBe(2);
    expect(re.images).toEqual([{ alt: 'evidence chart', complete: true, width: 20, height: 10 }]);
    expect(e.errors).toEqual([]);
    expect(e.foreignRequests).toEqual([]);
    await e.page.close();
  });
});
