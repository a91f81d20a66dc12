/**
 * The viewer page: wires the file inputs and options to the encoder run and draws the result.
 * Everything runs locally; `window.ecampViewer` exposes the last result (the browser tests read it).
 */
import { tf, type SafetensorsFile } from '@ecamp/core';
import type { VisionTransformer } from '@ecamp/vision';
import { clsAttention, type AttentionResult } from './lib/attention.js';
import { entityAttention, loadEntityQueryModel, tokenizerFromText, type EntityQueryModel } from './lib/entity.js';
import { selectBackend, type BackendChoice, type ViewerBackend } from './lib/backend.js';
import { loadEncoderCheckpoint, parseCheckpointBytes, type EncoderCheckpointInfo } from './lib/checkpoint.js';
import { imageToInput, type RgbaImage } from './lib/image.js';
import { drawHeatmap, drawImage, drawLegend, drawOverlay } from './ui/draw.js';

/** What the page shows after a run (also on `window.ecampViewer.last`). */
export interface ViewerRun {
  checkpoint: string;
  image: string;
  backend: BackendChoice;
  model: EncoderCheckpointInfo;
  /** `cls`: the class token's attention in a layer; `entity`: the fusion layer's attention from the query's words. */
  mode: 'cls' | 'entity';
  attention: AttentionResult;
  /** For `entity`: the query and the word pieces attended from. */
  query?: { text: string; tokens: string[]; textHeadsFrom: string };
  /** Milliseconds: reading + parsing the checkpoint, building the model, decoding the image. */
  loadMs: { checkpoint: number; model: number; image: number };
}

declare global {
  interface Window {
    ecampViewer: { last?: ViewerRun; error?: string; runs: number };
  }
}
window.ecampViewer = { runs: 0 };

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`viewer: element #${id} missing from index.html`);
  return el as T;
};
const checkpointInput = $<HTMLInputElement>('checkpoint');
const imageInput = $<HTMLInputElement>('image');
const backendSelect = $<HTMLSelectElement>('backend');
const layerSelect = $<HTMLSelectElement>('layer');
const headSelect = $<HTMLSelectElement>('head');
const opacityInput = $<HTMLInputElement>('opacity');
const modeSelect = $<HTMLSelectElement>('mode');
const queryInput = $<HTMLInputElement>('query');
const tokenizerInput = $<HTMLInputElement>('tokenizer');
const configInput = $<HTMLInputElement>('config');
const runButton = $<HTMLButtonElement>('run');
const status = $<HTMLParagraphElement>('status');

function setStatus(state: 'idle' | 'running' | 'done' | 'error', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

/** Decodes an image file to RGBA at its own size, without colour-profile conversion. */
async function decodeImage(file: File): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new Error(`${file.name}: the browser cannot decode this image (${e instanceof Error ? e.message : String(e)}); use PNG or JPEG`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('viewer: no 2-D canvas context');
  ctx.drawImage(bitmap, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  return { data, width, height };
}

/** The loaded model, kept while the checkpoint file and backend stay the same. */
let cached:
  { key: string; vit: VisionTransformer; info: EncoderCheckpointInfo; parsed: SafetensorsFile; text?: { key: string; model: EntityQueryModel } } | undefined;

function disposeCached(): void {
  cached?.vit.dispose();
  cached?.text?.model.dispose();
  cached = undefined;
}

async function modelFor(
  file: File,
  backend: ViewerBackend,
): Promise<{ vit: VisionTransformer; info: EncoderCheckpointInfo; parseMs: number; buildMs: number }> {
  const key = `${file.name}:${file.size}:${file.lastModified}:${backend}`;
  if (cached?.key === key) return { vit: cached.vit, info: cached.info, parseMs: 0, buildMs: 0 };
  disposeCached();
  const t0 = performance.now();
  const parsed: SafetensorsFile = parseCheckpointBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  const t1 = performance.now();
  const { vit, info } = loadEncoderCheckpoint(parsed, file.name);
  const t2 = performance.now();
  cached = { key, vit, info, parsed };
  return { vit, info, parseMs: t1 - t0, buildMs: t2 - t1 };
}

/** The text side of the cached pre-training checkpoint (built once per config file). */
async function textModelFor(checkpoint: File, config: File | undefined): Promise<EntityQueryModel> {
  if (!cached) throw new Error('viewer: no checkpoint loaded');
  const key = config ? `${config.name}:${config.size}:${config.lastModified}` : '';
  if (cached.text?.key === key) return cached.text.model;
  cached.text?.model.dispose();
  let parsedConfig: unknown;
  if (config) {
    try {
      parsedConfig = JSON.parse(await config.text());
    } catch (e) {
      throw new Error(`${config.name}: not JSON (${(e as Error).message}); choose the run's config.json`);
    }
  }
  const model = loadEntityQueryModel(cached.parsed, checkpoint.name, parsedConfig);
  cached.text = { key, model };
  return model;
}

function fillLayerAndHeads(info: EncoderCheckpointInfo): void {
  const { depth, numHeads } = info.config;
  const layer = layerSelect.value;
  const head = headSelect.value;
  layerSelect.replaceChildren(
    ...Array.from({ length: depth }, (_, i) => new Option(i === depth - 1 ? `${i + 1} of ${depth} (last)` : `${i + 1} of ${depth}`, String(i))),
  );
  layerSelect.value = layer === '-1' || Number(layer) >= depth ? String(depth - 1) : layer;
  headSelect.replaceChildren(
    new Option('mean over heads', ''),
    ...Array.from({ length: numHeads }, (_, i) => new Option(`head ${i + 1} of ${numHeads}`, String(i))),
  );
  headSelect.value = head !== '' && Number(head) < numHeads ? head : '';
}

let lastImage: RgbaImage | undefined;

async function run(): Promise<void> {
  const ckFile = checkpointInput.files?.[0];
  const imgFile = imageInput.files?.[0];
  if (!ckFile || !imgFile) {
    setStatus('idle', 'Choose a checkpoint and an image.');
    return;
  }
  runButton.disabled = true;
  setStatus('running', 'Running the encoder…');
  try {
    const backend = await selectBackend(backendSelect.value as ViewerBackend | 'auto');
    const { vit, info, parseMs, buildMs } = await modelFor(ckFile, backend.backend);
    fillLayerAndHeads(info);
    const t0 = performance.now();
    const image = await decodeImage(imgFile);
    const imageMs = performance.now() - t0;
    const input = imageToInput(image, info.config.imageSize);
    const mode = modeSelect.value === 'entity' ? 'entity' : 'cls';
    let attention: AttentionResult;
    let query: ViewerRun['query'];
    try {
      if (mode === 'entity') {
        if (info.kind !== 'pretrain')
          throw new Error(
            `${ckFile.name}: entity queries need a full pre-training checkpoint (checkpoints/pretrain.safetensors), not a ${info.kind === 'encoder' ? 'bare encoder' : 'timm ViT'}`,
          );
        const tokFile = tokenizerInput.files?.[0];
        if (!tokFile) throw new Error("entity query: choose the run's tokenizer.json too");
        const text = await textModelFor(ckFile, configInput.files?.[0]);
        const tokenizer = tokenizerFromText(await tokFile.text(), tokFile.name, text.info.maxPositions);
        const r = await entityAttention(vit, text, tokenizer, queryInput.value, input);
        attention = { grid: r.grid, raw: r.raw, map: r.map, ms: r.ms, layer: -1 };
        query = { text: queryInput.value, tokens: r.tokens, textHeadsFrom: text.info.headsFrom };
      } else {
        attention = await clsAttention(vit, input, { layer: Number(layerSelect.value), head: headSelect.value === '' ? undefined : Number(headSelect.value) });
      }
    } finally {
      input.dispose();
    }
    lastImage = image;
    const result: ViewerRun = {
      checkpoint: ckFile.name,
      image: imgFile.name,
      backend,
      model: info,
      mode,
      attention,
      query,
      loadMs: { checkpoint: parseMs, model: buildMs, image: imageMs },
    };
    show(result);
    window.ecampViewer.last = result;
    window.ecampViewer.runs++;
    delete window.ecampViewer.error;
    const what = mode === 'entity' ? `where '${query!.text}' looks` : `class-token attention of layer ${attention.layer + 1}`;
    setStatus('done', `Done: ${what} in ${attention.ms.toFixed(1)} ms on ${backend.backend}.`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    window.ecampViewer.error = message;
    setStatus('error', message);
  } finally {
    runButton.disabled = false;
  }
}

function show(r: ViewerRun): void {
  const { attention: a, model, backend } = r;
  $('result').hidden = false;
  drawImage($<HTMLCanvasElement>('input-canvas'), lastImage!);
  drawHeatmap($<HTMLCanvasElement>('heatmap-canvas'), a.map, a.grid);
  drawOverlay($<HTMLCanvasElement>('overlay-canvas'), lastImage!, a.map, a.grid, Number(opacityInput.value));
  drawLegend($<HTMLCanvasElement>('legend-canvas'));
  const c = model.config;
  $('input-size').textContent = `${c.imageSize}×${c.imageSize}`;
  $('grid-size').textContent = `${a.grid}×${a.grid} = ${a.grid * a.grid}`;
  $('map-what').textContent = r.mode === 'entity' ? `Attention from '${r.query!.text}'` : 'Class-token attention';
  $('shown').textContent =
    r.mode === 'entity'
      ? `where the words '${r.query!.text}' (pieces: ${r.query!.tokens.join(' ')}) look: the fusion layer's attention from them to the image patches, mean over heads, summed over the pieces — as training chooses the super-resolution window from a report's entity words (text heads from ${r.query!.textHeadsFrom})`
      : `what the class token attends to in layer ${a.layer + 1} of ${model.config.depth}${headSelect.value === '' ? ', mean over heads' : `, head ${Number(headSelect.value) + 1}`}`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a.raw) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  $('legend-range').textContent =
    r.mode === 'entity'
      ? `(attention per patch from ${lo.toFixed(4)} to ${hi.toFixed(4)}, summed over ${r.query!.tokens.length} word piece${r.query!.tokens.length === 1 ? '' : 's'})`
      : `(attention per patch from ${(lo * 100).toFixed(2)} % to ${(hi * 100).toFixed(2)} % of the class token's total)`;
  const first =
    window.ecampViewer.runs === 0 && backend.backend !== 'wasm' && backend.backend !== 'cpu' ? ' (a first GPU run includes compiling its programs)' : '';
  $('timing').textContent =
    `${r.mode === 'entity' ? 'encoder, image projection and text decoder' : `encoder up to layer ${a.layer + 1}`} and read-back: ${a.ms.toFixed(1)} ms${first}; ` +
    `checkpoint read ${r.loadMs.checkpoint.toFixed(0)} ms, model built ${r.loadMs.model.toFixed(0)} ms, image decoded ${r.loadMs.image.toFixed(0)} ms`;
  const kinds = { encoder: 'trainer encoder checkpoint', pretrain: 'full pre-training checkpoint (its encoder)', 'timm-pytorch': 'timm/PyTorch ViT' };
  $('model').textContent =
    `${kinds[model.kind]}: ViT ${c.embedDim} wide, ${c.depth} layers, ${c.numHeads} heads (${model.headsFrom}), ${c.patchSize}-pixel patches` +
    (model.metadata.step ? `, trained ${model.metadata.step} steps` : '') +
    (model.ignored ? `; ${model.ignored} non-encoder tensors ignored` : '');
  const refused = backend.refused.map((x) => `${x.backend}: ${x.reason}`).join('; ');
  $('backend-used').textContent =
    `${backend.backend}${backend.webglFloat32 === false ? ' (float16 textures: values less exact)' : ''} — TF.js ${tf.version.tfjs}` +
    (refused ? ` (not used: ${refused})` : '');
}

const ready = () => (runButton.disabled = !(checkpointInput.files?.length && imageInput.files?.length));
checkpointInput.addEventListener('change', () => {
  disposeCached();
  ready();
});
imageInput.addEventListener('change', ready);
runButton.addEventListener('click', () => void run());
for (const el of [layerSelect, headSelect, backendSelect, modeSelect]) el.addEventListener('change', () => window.ecampViewer.runs > 0 && void run());
opacityInput.addEventListener('input', () => {
  const last = window.ecampViewer.last;
  if (last && lastImage) drawOverlay($<HTMLCanvasElement>('overlay-canvas'), lastImage, last.attention.map, last.attention.grid, Number(opacityInput.value));
});
