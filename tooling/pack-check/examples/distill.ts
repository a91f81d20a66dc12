import { RuleDistiller, renderContext } from '@ecamp/distill';

// Offline, rule-based entity-context distillation (no LLM, no server); its lexicon ships in the package.
const d = new RuleDistiller().distill('There is a small left pleural effusion. No pneumothorax.');
console.log(d.entities.map((e) => e.entity).join(', '));
// prints: effusion, pneumothorax
console.log(renderContext(d));
