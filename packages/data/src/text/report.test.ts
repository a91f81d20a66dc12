import { describe, expect, it } from 'vitest';
import { extractReportSections, joinSections, normalizeWhitespace, textProblem } from './report.js';

describe('report sections', () => {
  it('extracts FINDINGS and IMPRESSION from a MIMIC-style report and drops other sections', () => {
    const r = extractReportSections(
      '                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n\n INDICATION:  ___ with cough\n\n FINDINGS: \n\n There is no focal consolidation.\n No pleural effusion.\n\n IMPRESSION: \n\n No acute cardiopulmonary process.\n',
    );
    expect(r.findings).toBe('There is no focal consolidation. No pleural effusion.');
    expect(r.impression).toBe('No acute cardiopulmonary process.');
    expect(r.text).toBe('There is no focal consolidation. No pleural effusion. No acute cardiopulmonary process.');
  });

  it('handles impression-only, header-free and empty reports', () => {
    expect(extractReportSections('INDICATION: x\nIMPRESSION: Normal.').text).toBe('Normal.');
    expect(extractReportSections('Heart   size normal.\n\nLungs clear.').text).toBe('Heart size normal. Lungs clear.');
    expect(extractReportSections('INDICATION: cough\nCOMPARISON: none').text).toBe('');
    expect(joinSections(' Clear lungs. ', undefined).text).toBe('Clear lungs.');
    expect(normalizeWhitespace(' a \n\t b ')).toBe('a b');
  });
});

describe('one-line reports', () => {
  it('finds known section names in the middle of a line', () => {
    const r = extractReportSections('FINDINGS: Small left pleural effusion. IMPRESSION: Effusion.');
    expect([r.findings, r.impression]).toEqual(['Small left pleural effusion.', 'Effusion.']);
    expect(extractReportSections('Portable AP: lines as before.').text).toBe('Portable AP: lines as before.');
  });
});

describe('textProblem', () => {
  it('names NUL and control bytes, and undecodable bytes only when the source was not UTF-8', () => {
    expect(textProblem('Lungs clear.\tNo effusion.\r\n\f')).toBeNull();
    expect(textProblem('ab\u0000c')).toBe('binary data: a NUL byte at character 2');
    expect(textProblem('x\u001b[0m')).toBe('binary data: control character U+001B at character 1');
    expect(textProblem('caf\ufffd')).toBeNull();
    expect(textProblem('caf\ufffd', true)).toBe('not UTF-8: undecodable bytes at character 3 (save the file as UTF-8)');
  });
});
