/**
 * @ecamp/io — the TF-free helpers every ECAMP.ts package shares: atomic, fsync'd file writes;
 * RFC 4180 CSV; JSON files read with errors naming them; the seeded RNG; the entity lexicon and its word-form rules; report sentence
 * splitting; PNG encoding; the attention colour ramp. No TensorFlow.js and no other @ecamp package.
 */
export { AtomicFile, writeFileAtomic, type AtomicWriteOptions } from './atomic.js';
export { parseCsv, parseCsvRecords, csvField, csvLine, type CsvRecord, type CsvParse } from './csv.js';
export { readJsonFile } from './json-file.js';
export { Rng, deriveSeed, mix32, type RngState, type RngAlgorithm } from './rng.js';
export {
  chestXrayEntities,
  fundusEntities,
  createLexicon,
  entityLexiconFrom,
  loadEntityLexicon,
  matchEntity,
  normaliseEntityName,
  pluralForms,
  type EntityLexicon,
} from './lexicon.js';
export { splitSentences, closeSentence } from './sentences.js';
export { encodePng, decodePng, pngChunk, crc32 } from './png.js';
export { RAMP, rampColour } from './colour-ramp.js';
