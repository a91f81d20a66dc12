import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { configDifferences } from './train.js';

const json = (sets: string[] = []) => JSON.parse(JSON.stringify(loadConfig('tiny', sets))) as Record<string, Record<string, Record<string, unknown>>>;

describe('configDifferences (what a resume refuses)', () => {
  it('names the fields that differ, ignoring log, evaluate, name, outDir and backend', () => {
    expect(configDifferences(json(), json(['log.every=7', 'name=other']))).toEqual([]);
    expect(configDifferences(json(), json(['objectives.mlm.weight=2']))).toEqual(['objectives.mlm.weight (1 in the checkpoint, 2 now)']);
  });

  it('a field the checkpoint lacks (added to the schema later) is equal at its default, and a difference otherwise', () => {
    const old = json();
    delete old.objectives.mlm.templateWeight;
    delete old.objectives.mlm.probabilities;
    expect(configDifferences(old, json())).toEqual([]);
    expect(configDifferences(old, json(['objectives.mlm.templateWeight=0.2']))).toEqual(['objectives.mlm.templateWeight (unset in the checkpoint, 0.2 now)']);
    expect(configDifferences(old, json(['objectives.mlm.probabilities.other=0.5']))).toEqual([
      'objectives.mlm.probabilities (unset in the checkpoint, {"entity":0.75,"other":0.5,"noEntity":0.75,"random":0.15} now)',
    ]);
  });
});
