/**
 * Drives the viewer page the way a person does: choose files and options, press the button, wait.
 */
import type { Page } from '@ecamp/browser-test';

/** What a run left on the page. */
export interface PageRun {
  state: string;
  statusText: string;
  error?: string;
  backend?: string;
  refused?: { backend: string; reason: string }[];
  webglFloat32?: boolean;
  raw?: number[];
  map?: number[];
  grid?: number;
  layer?: number;
  ms?: number;
  kind?: string;
  mode?: string;
  queryTokens?: string[];
  timingText?: string;
}

/** Reads the status and `window.ecampViewer.last` (typed arrays as plain arrays). */
export function readRun(page: Page): Promise<PageRun> {
  return page.evaluate(() => {
    const status = document.getElementById('status')!;
    const v = window.ecampViewer;
    const l = v.last;
    return {
      state: status.dataset.state ?? '',
      statusText: status.textContent ?? '',
      error: v.error,
      backend: l?.backend.backend,
      refused: l?.backend.refused,
      webglFloat32: l?.backend.webglFloat32,
      raw: l ? Array.from(l.attention.raw) : undefined,
      map: l ? Array.from(l.attention.map) : undefined,
      grid: l?.attention.grid,
      layer: l?.attention.layer,
      ms: l?.attention.ms,
      kind: l?.model.kind,
      mode: l?.mode,
      queryTokens: l?.query?.tokens,
      timingText: document.getElementById('timing')?.textContent ?? '',
    };
  });
}

/** Waits until the status leaves `running` after `runs` completed runs (or an error). */
export async function waitForRun(page: Page, previousRuns: number): Promise<PageRun> {
  await page.waitForFunction(
    (n) => {
      const s = document.getElementById('status')!.dataset.state;
      return s === 'error' || (s === 'done' && window.ecampViewer.runs > n);
    },
    previousRuns,
    { timeout: 180_000 },
  );
  return readRun(page);
}

/** What a person chooses on the page. */
export interface ViewerChoice {
  checkpoint: string;
  image: string;
  backend: string;
  /** An entity query: the words, the run's tokenizer.json and (optionally) config.json. */
  entity?: { query: string; tokenizer: string; config?: string };
}

/** Opens the page, chooses the checkpoint, image, backend (and entity query), and runs. */
export async function runViewer(page: Page, url: string, o: ViewerChoice): Promise<PageRun> {
  await page.goto(url);
  await page.selectOption('#backend', o.backend);
  await page.setInputFiles('#checkpoint', o.checkpoint);
  await page.setInputFiles('#image', o.image);
  if (o.entity) {
    await page.selectOption('#mode', 'entity');
    await page.fill('#query', o.entity.query);
    await page.setInputFiles('#tokenizer', o.entity.tokenizer);
    if (o.entity.config) await page.setInputFiles('#config', o.entity.config);
  }
  await page.click('#run');
  return waitForRun(page, 0);
}
