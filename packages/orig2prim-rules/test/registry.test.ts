import { Builder, Op, OpArgumentError, Program, ShapeError, createRegistry } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { describe, expect, it } from 'vitest';
import { orig2primRules, orig2primRulesPlugin, prim2origRules } from '../src/index.js';

const rulesRegistry = createRegistry([origOpsPlugin, primOpsPlugin, orig2primRulesPlugin]);
const SOURCES_WITHOUT_RULE = ['assign_value', 'uniform_random', 'gaussian_random'];

describe('orig2primRulesPlugin coverage', () => {
  it('covers every native op but sources', () => {
    const missing = rulesRegistry.opTypes('orig').filter((type) => !rulesRegistry.hasRule('orig2prim', type));

    expect(missing.sort()).toEqual([...SOURCES_WITHOUT_RULE].sort());
  });

  it('leaves only non-differentiable ops without an orig2prim rule', () => {
    for (const type of SOURCES_WITHOUT_RULE) expect(rulesRegistry.opDef(type).differentiable).toBe(false);
  });

  it('has a prim2orig rule for every prim', () => {
    const missing = rulesRegistry.opTypes('prim').filter((type) => !rulesRegistry.hasRule('prim2orig', type));

    expect(missing).toEqual([]);
  });

  it('registers only rules for defined ops of the right kind', () => {
    for (const type of Object.keys(orig2primRules)) expect(rulesRegistry.opDef(type).kind).toBe('orig');
    for (const type of Object.keys(prim2origRules)) expect(rulesRegistry.opDef(type).kind).toBe('prim');
  });

  it('is rejected before the op definitions are registered', () => {
    expect(() => createRegistry([orig2primRulesPlugin])).toThrow(/no registered plugin defines/);
  });
});

describe('orig2prim rules on invalid ops', () => {
  // Ops built by hand, past the builder's inference, as a corrupted or hand-edited program would hold them.
  function handBuiltOp(type: string, shapes: number[][], attrs: Record<string, unknown>) {
    const block = new Program().globalBlock();
    const inputs = shapes.map((shape, i) => block.createVar({ name: `in${i}`, shape, dtype: 'float64', isData: true }));
    const output = block.createVar({ name: 'out', shape: [1], dtype: 'float64' });
    const op = new Op(type, inputs, [output], attrs as never);
    return { builder: new Builder(block, rulesRegistry), op };
  }

  it('matmul names the op and the shapes', () => {
    const { builder, op } = handBuiltOp('matmul', [[2, 3], [4, 5]], { transX: false, transY: false });

    expect(() => orig2primRules.matmul!(builder, op)).toThrow(ShapeError);
    expect(() => orig2primRules.matmul!(builder, op)).toThrow(/^matmul: inner dims differ.*\[2,3\], \[4,5\]/);
  });

  it('add names the op and the shapes', () => {
    expect(() => {
      const { builder, op } = handBuiltOp('add', [[2, 3], [4]], {});
      orig2primRules.add!(builder, op);
    }).toThrow(/^add: shapes \[2,3\] and \[4\] do not broadcast/);
  });

  it('p_norm rejects a zero porder', () => {
    const { builder, op } = handBuiltOp('p_norm', [[3]], { porder: 0, axis: null, keepdim: false });

    expect(() => orig2primRules.p_norm!(builder, op)).toThrow(OpArgumentError);
    expect(() => orig2primRules.p_norm!(builder, op)).toThrow(/^p_norm: attr 'porder' must be a positive finite number/);
  });

  it('reshape rejects a size change', () => {
    const { builder, op } = handBuiltOp('reshape', [[2, 3]], { shape: [4, -1] });

    expect(() => orig2primRules.reshape!(builder, op)).toThrow(/^reshape: cannot reshape 6 elements to \[4,-1\]/);
  });

  it('matmul emits nothing on error', () => {
    const { builder, op } = handBuiltOp('matmul', [[2, 3], [4, 5]], { transX: true, transY: false });

    expect(() => orig2primRules.matmul!(builder, op)).toThrow();
    expect(builder.emitted).toEqual([]);
  });
});
