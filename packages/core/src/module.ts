import { tf } from './tf.js';
import { isTensorData, tensorFromData, type TensorData } from './tensor-data.js';

/** What {@link Module.addRng} keeps of a generator (core's `Rng`): its state, to save and restore. */
export interface StatefulRng {
  state(): number[];
  setState(state: readonly number[]): void;
}

/** A named trainable tensor of a {@link Module}. */
export interface Parameter {
  /** Dotted, timm-style path, e.g. `blocks.0.attn.qkv.weight`. */
  name: string;
  /** The backing variable (its own `variable.name` is a unique engine id, not the dotted name). */
  variable: tf.Variable;
  /** Whether AdamW applies weight decay (false for biases, norm weights and rank-1 tensors by default). */
  decay: boolean;
}

/** Options of {@link Module.addParameter}. */
export interface AddParameterOptions {
  /** Weight decay flag; default true for rank ≥ 2, false otherwise. */
  decay?: boolean;
  /** Whether the variable is trainable (default true). Frozen parameters are skipped by `parameters()` only when asked. */
  trainable?: boolean;
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default true). Shape mismatches always throw. */
  strict?: boolean;
}

let variableCounter = 0;

/**
 * Base class of every layer and model. A module owns its variables and child modules,
 * names them with dotted paths like timm (`blocks.0.attn.qkv.weight`) and frees them in `dispose()`.
 *
 * @example
 * class Head extends Module {
 *   readonly fc = this.addModule('fc', new Linear(192, 10, { rng }));
 *   forward(x: tf.Tensor) { return this.fc.forward(x); }
 * }
 */
export class Module {
  private readonly ownParams = new Map<string, { variable: tf.Variable; decay: boolean }>();
  private readonly children = new Map<string, Module>();
  private readonly ownRngs = new Map<string, StatefulRng>();
  private isTraining = true;

  /**
   * Register a parameter. Takes ownership of `init` (it is disposed; the variable keeps the values).
   * @returns the variable, to keep in a field for `forward`.
   */
  protected addParameter(name: string, init: tf.Tensor, opts: AddParameterOptions = {}): tf.Variable {
    if (name.includes('.') || name === '') throw new Error(`addParameter: invalid name '${name}' (no dots)`);
    if (this.ownParams.has(name) || this.children.has(name)) {
      throw new Error(`addParameter: '${name}' already registered on ${this.constructor.name}`);
    }
    const decay = opts.decay ?? init.rank >= 2;
    const variable = tf.variable(init, opts.trainable ?? true, `ecamp_${variableCounter++}_${name}`, 'float32');
    init.dispose();
    this.ownParams.set(name, { variable, decay });
    return variable;
  }

  /** Register a child module under `name` (dotted prefix of its parameters); returns it. */
  protected addModule<M extends Module>(name: string, module: M): M {
    if (name.includes('.') || name === '') throw new Error(`addModule: invalid name '${name}' (no dots)`);
    if (this.ownParams.has(name) || this.children.has(name)) {
      throw new Error(`addModule: '${name}' already registered on ${this.constructor.name}`);
    }
    this.children.set(name, module);
    module.train(this.isTraining);
    return module;
  }

  /**
   * Register a generator the module draws from while it runs (dropout masks), so that
   * {@link rngStates} sees it and a checkpoint can resume its stream. Returns it.
   */
  protected addRng<R extends StatefulRng>(name: string, rng: R): R {
    if (name.includes('.') || name === '') throw new Error(`addRng: invalid name '${name}' (no dots)`);
    if (this.ownRngs.has(name)) throw new Error(`addRng: '${name}' already registered on ${this.constructor.name}`);
    this.ownRngs.set(name, rng);
    return rng;
  }

  /** Dotted name → state of every registered generator (own first, then children depth-first). */
  rngStates(prefix = ''): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, rng] of this.ownRngs) out[prefix + name] = rng.state();
    for (const [name, child] of this.children) Object.assign(out, child.rngStates(`${prefix}${name}.`));
    return out;
  }

  /**
   * Restore generator states saved by {@link rngStates}. Throws naming the keys when the
   * saved set and this module's generators differ (unless `strict` is false: then the common ones).
   */
  loadRngStates(states: Record<string, readonly number[]>, opts: LoadStateDictOptions = {}): void {
    const own = this.rngGenerators();
    const missing = [...own.keys()].filter((k) => !(k in states));
    const unexpected = Object.keys(states).filter((k) => !own.has(k));
    if ((opts.strict ?? true) && (missing.length > 0 || unexpected.length > 0)) {
      throw new Error(`loadRngStates(${this.constructor.name}): missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
    }
    for (const [name, rng] of own) if (name in states) rng.setState(states[name]);
  }

  private rngGenerators(prefix = ''): Map<string, StatefulRng> {
    const out = new Map<string, StatefulRng>();
    for (const [name, rng] of this.ownRngs) out.set(prefix + name, rng);
    for (const [name, child] of this.children) for (const [k, v] of child.rngGenerators(`${prefix}${name}.`)) out.set(k, v);
    return out;
  }

  /** Child modules in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.children.entries()];
  }

  /** All parameters (own first, then children depth-first) with dotted names. */
  namedParameters(prefix = ''): Parameter[] {
    const out: Parameter[] = [];
    for (const [name, p] of this.ownParams) out.push({ name: prefix + name, variable: p.variable, decay: p.decay });
    for (const [name, child] of this.children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** The variables of {@link namedParameters} (trainable ones only unless `all`). */
  parameters(all = false): tf.Variable[] {
    return this.namedParameters()
      .map((p) => p.variable)
      .filter((v) => all || v.trainable);
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.namedParameters().reduce((n, p) => n + p.variable.size, 0);
  }

  /** Whether the module is in training mode (dropout active). */
  get training(): boolean {
    return this.isTraining;
  }

  /** Set training mode recursively; returns this. */
  train(on = true): this {
    this.isTraining = on;
    for (const child of this.children.values()) child.train(on);
    return this;
  }

  /** Evaluation mode (`train(false)`); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Freeze (or unfreeze) every parameter: frozen variables get no gradients. */
  setTrainable(on: boolean): this {
    for (const p of this.namedParameters()) p.variable.trainable = on;
    return this;
  }

  /** Dotted name → variable (the live variables, not copies; do not dispose them). */
  stateDict(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const p of this.namedParameters()) out[p.name] = p.variable;
    return out;
  }

  /**
   * Assign values by dotted name. Values may be tensors (not consumed) or {@link TensorData}.
   * Throws naming the parameter on a shape mismatch, and on missing/unexpected keys when strict.
   * @returns the keys that were missing and unexpected (useful when not strict).
   */
  loadStateDict(state: Record<string, tf.Tensor | TensorData>, opts: LoadStateDictOptions = {}): { missing: string[]; unexpected: string[] } {
    const strict = opts.strict ?? true;
    const params = this.namedParameters();
    const known = new Set(params.map((p) => p.name));
    const missing = params.filter((p) => !(p.name in state)).map((p) => p.name);
    const unexpected = Object.keys(state).filter((k) => !known.has(k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new Error(`loadStateDict(${this.constructor.name}): missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
    }
    for (const p of params) {
      const value = state[p.name];
      if (value === undefined) continue;
      const shape = value.shape;
      if (shape.length !== p.variable.shape.length || shape.some((d, i) => d !== p.variable.shape[i])) {
        throw new Error(
          `loadStateDict: '${p.name}' has shape [${shape}] but the parameter is [${p.variable.shape}]` +
            (p.variable.rank === 2 ? ' (PyTorch Linear weights are [out, in]: use torchLinearToTf)' : ''),
        );
      }
      tf.tidy(() => {
        const t = isTensorData(value) ? tensorFromData(value) : value;
        p.variable.assign(t.dtype === 'float32' ? t : t.toFloat());
      });
    }
    return { missing, unexpected };
  }

  /** Dispose every variable of this module and its children. */
  dispose(): void {
    for (const p of this.ownParams.values()) p.variable.dispose();
    for (const child of this.children.values()) child.dispose();
  }
}

/** A list of modules whose parameters are named `0.…`, `1.…`, … (timm `blocks.0`). */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: M[] = []) {
    super();
    for (const m of modules) this.push(m);
  }

  /** Append a module (named by its index). */
  push(module: M): M {
    this.addModule(String(this.items.length), module);
    this.items.push(module);
    return module;
  }

  /** Module at `i`. */
  at(i: number): M {
    const m = this.items[i];
    if (m === undefined) throw new Error(`ModuleList: index ${i} out of range (length ${this.items.length})`);
    return m;
  }

  /** Number of modules. */
  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
