import { describe, expect, it } from 'vitest';
import { useBackend } from '../test/backends.js';
import { Module, ModuleList } from './module.js';
import { tf } from './tf.js';
import { tensorToData } from './tensor-data.js';

class Leaf extends Module {
  readonly w = this.addParameter('weight', tf.ones([2, 3]));
  readonly b = this.addParameter('bias', tf.zeros([3]));
}
class Tree extends Module {
  readonly blocks = this.addModule('blocks', new ModuleList([new Leaf(), new Leaf()]));
  readonly head = this.addModule('head', new Leaf());
  readonly token = this.addParameter('cls_token', tf.zeros([1, 1, 3]), { decay: false });
}

describe('Module', () => {
  useBackend('cpu');

  it('names parameters with dotted timm paths, own first', () => {
    const t = new Tree();
    expect(t.namedParameters().map((p) => p.name)).toEqual([
      'cls_token',
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'blocks.1.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(t.numParameters()).toBe(3 * (6 + 3) + 3); // three leaves + cls_token
    t.dispose();
  });

  it('defaults decay to rank >= 2 and honours overrides', () => {
    const t = new Tree();
    const decay = Object.fromEntries(t.namedParameters().map((p) => [p.name, p.decay]));
    expect(decay['head.weight']).toBe(true);
    expect(decay['head.bias']).toBe(false);
    expect(decay['cls_token']).toBe(false);
    t.dispose();
  });

  it('propagates train/eval and freezes parameters', () => {
    const t = new Tree();
    t.eval();
    expect(t.blocks.at(1).training).toBe(false);
    t.train();
    expect(t.head.training).toBe(true);
    t.head.setTrainable(false);
    expect(t.parameters().length).toBe(5);
    expect(t.parameters(true).length).toBe(7);
    t.dispose();
  });

  it('rejects duplicate and dotted names', () => {
    class Bad extends Module {
      constructor(kind: number) {
        super();
        if (kind === 0) {
          this.addParameter('a', tf.zeros([1]));
          this.addParameter('a', tf.zeros([1]));
        } else this.addParameter('a.b', tf.zeros([1]));
      }
    }
    expect(() => new Bad(0)).toThrow(/already registered/);
    expect(() => new Bad(1)).toThrow(/no dots/);
  });

  it('round-trips stateDict and names the key on shape mismatch or missing/unexpected keys', () => {
    const a = new Tree();
    const b = new Tree();
    tf.tidy(() => a.head.w.assign(tf.fill([2, 3], 7)));
    const state = Object.fromEntries(Object.entries(a.stateDict()).map(([k, v]) => [k, tensorToData(v)]));
    b.loadStateDict(state);
    expect(Array.from(b.head.w.dataSync())).toEqual(new Array(6).fill(7));
    expect(() => b.loadStateDict({ ...state, 'head.weight': { dtype: 'float32', shape: [3, 2], data: new Float32Array(6) } })).toThrow(
      /'head.weight' has shape \[3,2\] but the parameter is \[2,3\].*torchLinearToTf/,
    );
    const { 'head.bias': _drop, ...partial } = state;
    expect(() => b.loadStateDict(partial)).toThrow(/missing \[head.bias\]/);
    expect(b.loadStateDict({ ...partial, extra: state['head.bias'] }, { strict: false })).toEqual({
      missing: ['head.bias'],
      unexpected: ['extra'],
    });
    a.dispose();
    b.dispose();
  });

  it('dispose frees every variable', () => {
    const before = tf.memory().numTensors;
    const t = new Tree();
    expect(tf.memory().numTensors).toBe(before + 7);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ModuleList indexes, iterates and range-checks', () => {
    const l = new ModuleList([new Leaf()]);
    l.push(new Leaf());
    expect(l.length).toBe(2);
    expect([...l].length).toBe(2);
    expect(() => l.at(2)).toThrow(/out of range/);
    l.dispose();
  });
});
