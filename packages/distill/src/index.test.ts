import { describe, expect, it } from 'vitest';
import * as distill from './index.js';

describe('public API', () => {
  it('exports the main entry points', () => {
    for (const name of [
      'RuleDistiller',
      'distillWithOllama',
      'Journal',
      'renderContext',
      'readReports',
      'writeOutputs',
      'runCli',
      'readPredictions',
      'fetchWithDeadline',
      'Utf8Guard',
      'formatQualityReport',
      'defaultRenderWording',
    ]) {
      expect(typeof (distill as Record<string, unknown>)[name]).toBe('function');
    }
    expect(distill.PROMPT_VERSION).toMatch(/^ecamp-distill-prompt-/);
  });
  it('distils offline end to end through the public API', () => {
    const text = distill.renderContext(new distill.RuleDistiller().distill('Small left pleural effusion. No pneumothorax.'));
    expect(text).toBe('small left pleural effusion. no pneumothorax.');
  });
});
