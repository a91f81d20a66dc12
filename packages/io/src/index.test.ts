import { describe, expect, it } from 'vitest';
import * as io from './index.js';

describe('@ecamp/io', () => {
  it('exports each helper once', () => {
    expect(Object.keys(io).sort()).toEqual(
      [
        'AtomicFile',
        'writeFileAtomic',
        'parseCsv',
        'parseCsvRecords',
        'csvField',
        'csvLine',
        'readJsonFile',
        'Rng',
        'deriveSeed',
        'mix32',
        'chestXrayEntities',
        'fundusEntities',
        'createLexicon',
        'entityLexiconFrom',
        'loadEntityLexicon',
        'matchEntity',
        'normaliseEntityName',
        'pluralForms',
        'splitSentences',
        'closeSentence',
        'encodePng',
        'decodePng',
        'pngChunk',
        'crc32',
        'RAMP',
        'rampColour',
      ].sort(),
    );
  });
});
