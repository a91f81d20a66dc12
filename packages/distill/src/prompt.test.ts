import { describe, expect, it } from 'vitest';
import { createLexicon, chestXrayEntities } from '@ecamp/io';
import { PROMPT_VERSION, buildMessages, promptFingerprint, reaskMessages } from './prompt.js';
import { renderContext } from './render.js';
import { validateLlmAnswer } from './schema.js';

describe('prompt', () => {
  const lex = chestXrayEntities();
  it('lists the lexicon and carries the report', () => {
    const m = buildMessages('  No effusion.  ', lex);
    expect(m[0].role).toBe('system');
    expect(m[0].content).toContain('pneumothorax, sarcoidosis');
    expect(m[1].content).toBe('Report:\nNo effusion.');
  });
  it('carries a worked example that itself passes validation', () => {
    const system = buildMessages('x', lex)[0].content;
    const example = system.split('\nAnswer: ')[1];
    const v = validateLlmAnswer(example, lex);
    expect(v.ok).toBe(true);
    if (v.ok) expect(renderContext(v.distillation)).toBe('no cardiomegaly. small left pleural effusion, increased. no pneumothorax.');
  });
  it('fingerprints prompt version and lexicon', () => {
    expect(promptFingerprint(lex)).toContain(PROMPT_VERSION);
    expect(promptFingerprint(lex)).toBe(promptFingerprint(chestXrayEntities()));
    expect(promptFingerprint(createLexicon(['drusen']))).not.toBe(promptFingerprint(lex));
  });
  it('re-asks quoting the validation error', () => {
    const m = reaskMessages(buildMessages('x', lex), '{bad', 'not valid JSON (Unexpected token)');
    expect(m).toHaveLength(4);
    expect(m[2]).toEqual({ role: 'assistant', content: '{bad' });
    expect(m[3].content).toContain('not valid JSON (Unexpected token)');
  });
});
