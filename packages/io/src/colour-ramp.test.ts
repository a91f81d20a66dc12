import { describe, expect, it } from 'vitest';
import { RAMP, rampColour } from './colour-ramp.js';

describe('rampColour', () => {
  it('hits the stops, interpolates between them, clamps and maps NaN to the lowest colour', () => {
    expect(rampColour(0)).toEqual([...RAMP[0]]);
    expect(rampColour(1)).toEqual([...RAMP[RAMP.length - 1]]);
    expect(rampColour(0.25)).toEqual([...RAMP[1]]);
    expect(rampColour(0.125)).toEqual([44, 8, 57]); // halfway between the first two stops
    expect(rampColour(-3)).toEqual([...RAMP[0]]);
    expect(rampColour(7)).toEqual([...RAMP[4]]);
    expect(rampColour(Number.NaN)).toEqual([...RAMP[0]]);
  });
});
