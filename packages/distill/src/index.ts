/**
 * @ecamp/distill — entity-centred context distillation (ECAMP step 1, docs/method.md §2):
 * an LLM path through Ollama (schema-constrained, validated, cached in a durable journal,
 * resumable after kill -9, spread over several servers) and an offline rule-based distiller that
 * produces the same JSON. No tensor code.
 */

/** The distillation JSON, its zod and Ollama `format` schemas, validation and canonical order. */
export {
  type Distillation,
  type EntityFinding,
  type EntityStatus,
  type Laterality,
  type ValidationResult,
  canonicalDistillation,
  llmAnswerSchema,
  ollamaFormatSchema,
  validateLlmAnswer,
} from './schema.js';
/** Deterministic rendering of a distillation into the context text the MLM inserts. */
export { type RenderWording, defaultRenderWording, renderContext, renderWordingFromJson } from './render.js';
/** The versioned prompt. */
export { PROMPT_VERSION, buildMessages, promptFingerprint, reaskMessages, systemPrompt } from './prompt.js';
/** Cache key (prompt version, model, report text). */
export { cacheKey } from './cache-key.js';
/** Durable append-only JSONL journal (cache and resumable output). */
export { Journal, type JournalRecord } from './journal.js';
/** Ollama hosts: `--host` parsing, client with per-request timeout, start-up probe. */
export { type HostSpec, type ProbeResult, createOllamaClient, fetchWithDeadline, parseHostSpec, pendingDeadlines, probeHost } from './ollama-host.js';
/** One validated chat request and transport-error classification. */
export { type AttemptOutcome, type ChatSettings, chatAttempt, classifyTransportError } from './llm-attempt.js';
/** Per-host failure tracking and benching. */
export { HostHealth, type HostHealthOptions } from './host-health.js';
/** The shared work queue all hosts pull from. */
export { WorkQueue } from './work-queue.js';
/** The LLM run: cached, retried, multi-host distillation of many reports. */
export { type OllamaRunOptions, distillWithOllama } from './ollama-run.js';
/** Run events and summary. */
export { type RunEvent, type RunSummary, emptySummary } from './run-types.js';
/** Offline rule-based distiller and its data. */
export { type DistillWork, MAX_SENTENCE_TOKENS, RuleDistiller, type RuleDistillerOptions, clausePieces, mergeFindings } from './rule-distiller.js';
/** Rule data (surface forms, NegEx-style triggers, descriptors) and its schema. */
export { type EntityRules, type RuleData, defaultRuleData, ruleDataFromJson, ruleDataSchema } from './rule-data.js';
/** Tokenisation and whole-word phrase matching (sentence splitting and the lexicon are @ecamp/io's). */
export { PhraseMatcher, type PhraseMatch, type Token, tokenize } from './text.js';
/** Report input: CSV / JSONL readers. */
export { type PretrainRecordLike, type ReadReportsOptions, type ReportInput, Utf8Guard, readReports, reportsFromPretrainRecords } from './reports-input.js';
/** Outputs: JSONL and the authors' CSV (`img_path, report, llm_output`), written atomically. */
export { DEFAULT_MAX_REPORT_CHARS, type OutputPaths, type OutputRow, journalRows, ruleRows, tooLongRow, writeOutputs } from './outputs.js';
/** Progress bar / log lines and the summary line. */
export { Progress, type ProgressOptions, type ProgressStream, formatDuration, formatSummary } from './progress.js';
/** Quality evaluation against expert MeSH tags (IU X-ray). */
export {
  type ErrorKinds,
  type GoldEntity,
  type MeshTable,
  type QualityReport,
  type ScoreOptions,
  defaultMeshTable,
  entityScores,
  formatQualityReport,
  goldEntitiesFromMesh,
  headingsOnlyTable,
  iuXraySplit,
  meshTableEntities,
  scoreEntityPresence,
} from './quality.js';
/** Predictions to score (an `--out-jsonl` file of a model or of the rules). */
export { type PredictionSet, readPredictions } from './predictions.js';
/** The `ecamp-distill` command, callable in-process. */
export { type CliIo, runCli } from './cli-main.js';
