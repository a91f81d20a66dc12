import { describe, expect, it } from 'vitest';
import { USAGE, parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('parses hosts, repeated options and unit conversions', () => {
    const o = parseCliArgs([
      '--input',
      'r.csv',
      '--host',
      'gpu1:11434=4',
      '--host',
      'http://gpu2:11434',
      '--model',
      'llama3',
      '--timeout',
      '30',
      '--text-column',
      'findings',
      '--text-column',
      'impression',
      '--out-csv',
      'o.csv',
    ]);
    expect(o.hosts).toEqual([
      { url: 'http://gpu1:11434', parallel: 4 },
      { url: 'http://gpu2:11434', parallel: 1 },
    ]);
    expect(o.timeoutMs).toBe(30_000);
    expect(o.textColumns).toEqual(['findings', 'impression']);
    expect(o.temperature).toBe(0);
  });
  it('explains what is wrong', () => {
    expect(() => parseCliArgs(['--out-csv', 'o.csv'])).toThrow('--input is required');
    expect(() => parseCliArgs(['--input', 'r.csv', '--host', 'h'])).toThrow('--model is required');
    expect(() => parseCliArgs(['--input', 'r.csv', '--out-csv', 'o', '--max-attempts', '0'])).toThrow('--max-attempts');
    expect(() => parseCliArgs(['--input', 'r.csv', '--out-csv', 'o', '--format', 'xml'])).toThrow('--format');
    expect(() => parseCliArgs(['--input', 'r.csv', '--model', 'm', '--out-csv', 'o'])).toThrow('offline');
    expect(() => parseCliArgs(['--bogus'])).toThrow();
  });
  it('help needs nothing else', () => {
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(USAGE).toContain('--host URL[=PARALLEL]');
  });
});
