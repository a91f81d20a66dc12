/**
 * The registered pre-training objectives, in dependency order: an objective comes
 * after those whose shared results it reads (SR refines MIM's prediction and, with
 * online windows, reads MLM's fusion attention). This order is the order of their
 * modules on the model (and so of the parameters in checkpoints and optimiser
 * state), of the loss parts in logs and metrics, and of the ablation table's columns.
 *
 * Adding an objective: write a file beside these exporting an {@link Objective}
 * (name, label, brief, summary, config slice, modules, loss) and append it here; the
 * configuration schema, the model, the pass, logging, the summary, the ablation table
 * and the run and ablation reports (curves, configuration rows, columns) follow.
 */
import type { Config } from '../../config/schema.js';
import { mimObjective } from './mim.js';
import { mlmObjective } from './mlm.js';
import type { ObjectiveSlice } from './objective.js';
import { superresObjective } from './superres.js';

export const OBJECTIVES = [mimObjective, mlmObjective, superresObjective] as const;

/** A registered objective. */
export type RegisteredObjective = (typeof OBJECTIVES)[number];
/** The name of a registered objective (its key under `objectives` and in the loss parts). */
export type ObjectiveName = RegisteredObjective['name'];
/** Names of every registered objective, in registry order. */
export const OBJECTIVE_NAMES: readonly ObjectiveName[] = OBJECTIVES.map((o) => o.name);

/** The modules each objective owns, by objective name. */
export type ObjectiveModules = { [O in RegisteredObjective as O['name']]: ReturnType<O['build']> };

/** An objective's configuration slice (`objectives.<name>`). */
export function objectiveSlice(config: Config, name: ObjectiveName): ObjectiveSlice {
  return config.objectives[name];
}

/** The enabled objectives, in registry order. */
export function enabledObjectives(config: Config): RegisteredObjective[] {
  return OBJECTIVES.filter((o) => objectiveSlice(config, o.name).enabled);
}

/** `config` with exactly the named objectives enabled; each keeps its weight and options. */
export function withObjectives(config: Config, on: readonly ObjectiveName[]): Config {
  const unknown = on.filter((n) => !OBJECTIVE_NAMES.includes(n));
  if (unknown.length) throw new Error(`withObjectives: no registered objective named ${unknown.join(', ')} (registered: ${OBJECTIVE_NAMES.join(', ')})`);
  const objectives = { ...config.objectives };
  const set = <K extends ObjectiveName>(name: K) => {
    objectives[name] = { ...config.objectives[name], enabled: on.includes(name) };
  };
  OBJECTIVE_NAMES.forEach(set);
  return { ...config, objectives };
}
