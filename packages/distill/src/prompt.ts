import { createHash } from 'node:crypto';
import type { Message } from 'ollama';
import type { EntityLexicon } from '@ecamp/io';

/**
 * Version of the prompt below. Bump it whenever the wording changes: it is part of every cache
 * key, so a new prompt re-distils instead of mixing answers of two prompts.
 */
export const PROMPT_VERSION = 'ecamp-distill-prompt-1';

/**
 * The prompt version joined with a short hash of the lexicon, so that distilling with another
 * lexicon (e.g. fundus) also gets its own cache keys.
 */
export function promptFingerprint(lexicon: EntityLexicon): string {
  const hash = createHash('sha256').update(lexicon.entities.join('\n')).digest('hex').slice(0, 12);
  return `${PROMPT_VERSION}+lexicon-${hash}`;
}

const EXAMPLE_ANSWER = JSON.stringify({
  entities: [
    { entity: 'effusion', status: 'present', severity: 'small', laterality: 'left', location: 'pleural', change: 'increased' },
    { entity: 'pneumothorax', status: 'absent', severity: null, laterality: null, location: null, change: null },
    { entity: 'cardiomegaly', status: 'absent', severity: null, laterality: null, location: null, change: null },
  ],
});

/** The system instruction: the task, the lexicon, the answer format and one worked example. */
export function systemPrompt(lexicon: EntityLexicon): string {
  return [
    'You extract entity-centred facts from one radiology report.',
    'For every clinical entity the report mentions, output one item with:',
    '- "entity": the matching word from this list (use it exactly; skip findings that match none):',
    `  ${lexicon.entities.join(', ')}`,
    '- "status": "present" if the report states it, "absent" if the report negates it (e.g. "no effusion"),',
    '  "uncertain" if the report hedges (possible, may represent, cannot exclude).',
    '- "severity": its size or severity as written (e.g. "small", "mild", "moderate"), else null.',
    '- "laterality": "left", "right" or "bilateral", else null.',
    '- "location": its anatomical location in a few words (e.g. "lower lobe", "basilar", "apical"), else null.',
    '- "change": change over time as written (e.g. "new", "increased", "decreased", "unchanged"), else null.',
    'Anatomy words (aorta, hilar, hemidiaphragm, contour, silhouette, vasculature, cardiomediastinal) count as present only when described as abnormal, and as absent when described as normal.',
    'Use only what the report says; do not infer. Answer with JSON only: {"entities": [...]}.',
    'Example. Report: "Small left pleural effusion, increased. No pneumothorax. Heart size normal."',
    `Answer: ${EXAMPLE_ANSWER}`,
  ].join('\n');
}

/** Chat messages of a first request for one report. */
export function buildMessages(reportText: string, lexicon: EntityLexicon): Message[] {
  return [
    { role: 'system', content: systemPrompt(lexicon) },
    { role: 'user', content: `Report:\n${reportText.trim()}` },
  ];
}

/**
 * Messages of a re-ask after an invalid answer: the conversation so far, the model's answer,
 * and a user turn quoting the validation error.
 */
export function reaskMessages(previous: readonly Message[], answer: string, error: string): Message[] {
  return [
    ...previous,
    { role: 'assistant', content: answer },
    {
      role: 'user',
      content: `Your answer was rejected: ${error}. Answer again with JSON only, exactly in the requested format {"entities": [...]}.`,
    },
  ];
}
