import { describe, expect, it } from 'vitest';
import {
  Builder,
  MissingRuleError,
  PLUGIN_CONTRACT_VERSION,
  Program,
  RuleOutputError,
  createRegistry,
  printBlock,
  type Plugin,
  type Var,
} from '@primgrad/ir';
import { origOpsPlugin, tanh, add, mul } from '@primgrad/orig-ops';
import { primOpsPlugin, addP, mulP, tanhP, subP, fullLikeP } from '@primgrad/prim-ops';
import { eliminateCommonSubexpressions, eliminateDeadCode, linearize, orig2prim, prim2orig, transpose, backward } from '../src/index.js';

// A small rule set written here so the drivers are tested apart from the rule packages.
const toyRules: Plugin = {
  name: 'toy-rules',
  contract: PLUGIN_CONTRACT_VERSION,
  orig2prim: {
    add: (b, op) => [addP(b, op.inputs[0]!, op.inputs[1]!)],
    mul: (b, op) => [mulP(b, op.inputs[0]!, op.inputs[1]!)],
    tanh: (b, op) => [tanhP(b, op.inputs[0]!)],
  },
  prim2orig: {
    add_p: (b, op) => [add(b, op.inputs[0]!, op.inputs[1]!)],
    mul_p: (b, op) => [mul(b, op.inputs[0]!, op.inputs[1]!)],
    tanh_p: (b, op) => [tanh(b, op.inputs[0]!)],
  },
  linearize: {
    add_p: (b, _op, [dx, dy]) => [dx && dy ? addP(b, dx, dy) : (dx ?? dy ?? null)],
    mul_p: (b, op, [dx, dy]) => {
      const [x, y] = op.inputs as [Var, Var];
      const a = dx ? mulP(b, dx, y) : null;
      const c = dy ? mulP(b, x, dy) : null;
      return [a && c ? addP(b, a, c) : (a ?? c)];
    },
    tanh_p: (b, op, [dx]) => {
      const y = op.outputs[0]!;
      return [dx ? mulP(b, dx, subP(b, fullLikeP(b, y, 1), mulP(b, y, y))) : null];
    },
  },
  transpose: {
    add_p: (_b, _op, [ct], linear) => linear.map((l) => (l ? ct! : null)),
    mul_p: (b, op, [ct], linear) => [
      linear[0] ? mulP(b, ct!, op.inputs[1]!) : null,
      linear[1] ? mulP(b, op.inputs[0]!, ct!) : null,
    ],
  },
};

function setup() {
  const registry = createRegistry([origOpsPlugin, primOpsPlugin, toyRules]);
  const program = new Program();
  const block = program.globalBlock();
  const b = new Builder(block, registry);
  const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
  const w = block.createVar({ name: 'w', shape: [2], dtype: 'float64', persistable: true, isParameter: true });
  return { registry, block, b, x, w };
}

describe('orig2prim', () => {
  it('keeps output vars held by the caller', () => {
    const { registry, block, b, x, w } = setup();
    const y = tanh(b, mul(b, x, w));

    orig2prim(block, registry);

    expect(block.ops.map((o) => o.type)).toEqual(['mul_p', 'tanh_p']);
    expect(block.ops[1]!.outputs[0]).toBe(y);
    expect(block.vars.get(y.name)).toBe(y);
  });

  it('names the op, rule kind and package when a rule is missing', () => {
    const { block, b, x } = setup();
    const registry = createRegistry([origOpsPlugin, primOpsPlugin]);
    tanh(new Builder(block, registry), x);
    void b;

    expect(() => orig2prim(block, registry)).toThrow(MissingRuleError);
    expect(() => orig2prim(block, registry)).toThrow(/orig2prim rule .*'tanh'.*@primgrad\/orig2prim-rules/);
  });

  it('rejects a rule result of the wrong shape', () => {
    const bad: Plugin = {
      name: 'bad-tanh',
      contract: PLUGIN_CONTRACT_VERSION,
      orig2prim: { tanh: (b) => [b.emit1('fill_constant_p', [], { shape: [3], dtype: 'float64', value: 0 })] },
    };
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, bad]);
    const { block, x } = setup();
    tanh(new Builder(block, registry), x);

    expect(() => orig2prim(block, registry)).toThrow(RuleOutputError);
    expect(() => orig2prim(block, registry)).toThrow(/orig2prim rule for 'tanh' \(from plugin 'bad-tanh'\).*float64\[3\], expected float64\[2\]/);
  });
});

describe('rule exceptions', () => {
  it('name the op, rule kind and plugin', () => {
    const throwing: Plugin = {
      name: 'throwing-rules',
      contract: PLUGIN_CONTRACT_VERSION,
      orig2prim: {
        tanh: () => {
          throw new TypeError('cannot read x');
        },
      },
    };
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, throwing]);
    const { block, x } = setup();
    tanh(new Builder(block, registry), x);

    expect(() => orig2prim(block, registry)).toThrow(RuleOutputError);
    expect(() => orig2prim(block, registry)).toThrow(
      "The orig2prim rule for 'tanh' (from plugin 'throwing-rules') is wrong: it threw TypeError: cannot read x",
    );
  });
});

describe('rule results', () => {
  it('reject an orig2prim rule returning the op own output', () => {
    const own: Plugin = { name: 'own-output', contract: PLUGIN_CONTRACT_VERSION, orig2prim: { tanh: (_b, op) => [op.outputs[0]!] } };
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, own]);
    const { block, x } = setup();
    tanh(new Builder(block, registry), x);

    expect(() => orig2prim(block, registry)).toThrow(
      /orig2prim rule for 'tanh' \(from plugin 'own-output'\) is wrong: output 0 is the op's own output 'tanh_0'/,
    );
  });

  it('reject a linearize rule returning a primal var as a tangent', () => {
    const primal: Plugin = {
      ...toyRules,
      name: 'primal-tangent',
      linearize: { ...toyRules.linearize, tanh_p: (_b, op) => [op.outputs[0]!] },
    };
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, primal]);
    const { block, x } = setup();
    const y = tanh(new Builder(block, registry), x);
    orig2prim(block, registry);

    expect(() => linearize(block, registry, [x], [y])).toThrow(
      /linearize rule for 'tanh_p' \(from plugin 'primal-tangent'\) is wrong: tangent 0 \('tanh_0'\) does not depend on the input tangents/,
    );
  });

  it('name the rule in an error raised inside it', () => {
    const badShape: Plugin = {
      name: 'bad-broadcast',
      contract: PLUGIN_CONTRACT_VERSION,
      orig2prim: { tanh: (b, op) => [tanhP(b, b.emit1('broadcast_p', [op.inputs[0]!], { shape: [5] }))] },
    };
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, badShape]);
    const { block, x } = setup();
    tanh(new Builder(block, registry), x);

    expect(() => orig2prim(block, registry)).toThrow(/broadcast_p: cannot broadcast to \[5\].*\(raised in the orig2prim rule for 'tanh' from plugin 'bad-broadcast'\)/);
  });
});

describe('failed transforms', () => {
  it('leave the block as it was', () => {
    const failing: Plugin = {
      ...toyRules,
      name: 'failing-rules',
      linearize: {
        ...toyRules.linearize,
        tanh_p: () => {
          throw new RangeError('no tangent today');
        },
      },
    };
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, failing]);
    const { block, x, w } = setup();
    const b = new Builder(block, registry);
    const y = tanh(b, mul(b, x, w));
    orig2prim(block, registry);
    const before = printBlock(block);

    expect(() => linearize(block, registry, [x], [y])).toThrow(/linearize rule for 'tanh_p' \(from plugin 'failing-rules'\).*RangeError/);
    expect(printBlock(block)).toBe(before);
    expect(block.hasVar('x_dot')).toBe(false);
  });
});

describe('linearize and transpose', () => {
  it('emit nothing for a symbolic zero tangent', () => {
    const { registry, block, b, x, w } = setup();
    const y = mul(b, x, w);
    orig2prim(block, registry);
    const before = block.ops.length;

    const { ysDot } = linearize(block, registry, [x], [y]);

    // d(x * w) with dw = 0 is one mul_p: no zero is materialized for w.
    expect(block.ops.length - before).toBe(1);
    expect(ysDot[0]).not.toBeNull();
  });

  it('returns null for an output that does not depend on x', () => {
    const { registry, block, b, x, w } = setup();
    const y = tanh(b, w);
    orig2prim(block, registry);

    const { ysDot } = linearize(block, registry, [x], [y]);

    expect(ysDot).toEqual([null]);
  });

  it('rejects native ops', () => {
    const { registry, block, b, x } = setup();
    const y = tanh(b, x);

    expect(() => linearize(block, registry, [x], [y])).toThrow(/native op.*Run orig2prim/);
  });

  it('sums cotangents of a var read twice and removes linear ops', () => {
    const { registry, block, b, x } = setup();
    const y = mul(b, x, x);
    orig2prim(block, registry);

    const { xsDot, ysDot } = linearize(block, registry, [x], [y]);
    const { xsBar } = transpose(block, registry, xsDot, ysDot);

    const text = printBlock(block);
    expect(block.ops.map((o) => o.type)).toEqual(['mul_p', 'mul_p', 'mul_p', 'add_p']);
    expect(text).not.toContain('x_dot');
    expect(xsBar[0]!.shape).toEqual([2]);
    prim2orig(block, registry);
    expect(block.ops.map((o) => o.type)).toEqual(['mul', 'mul', 'mul', 'add']);
  });
});

describe('transpose of a variadic prim', () => {
  // sum_all_p(x, xs...) adds its inputs. One listing linearIn [0, 1] is linear in every repeat of
  // input 1; one listing [0] is linear in its first input only.
  const variadicPlugin = (linearIn: number[]): Plugin => ({
    name: 'toy-variadic',
    contract: PLUGIN_CONTRACT_VERSION,
    ops: [{ type: 'sum_all_p', kind: 'prim', inputs: ['x', 'xs'], variadic: true, linearIn, infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }] }],
    linearize: { sum_all_p: (b, _op, tangents) => [b.emit1('sum_all_p', tangents.filter((t): t is Var => t !== null))] },
    transpose: { sum_all_p: (_b, op, [ct], linear) => op.inputs.map((_, i) => (linear[i] ? ct! : null)) },
  });

  function run(linearIn: number[]) {
    const registry = createRegistry([origOpsPlugin, primOpsPlugin, toyRules, variadicPlugin(linearIn)]);
    const block = new Program().globalBlock();
    const xs = [0, 1, 2].map((i) => block.createVar({ name: `x${i}`, shape: [2], dtype: 'float64', isData: true }));
    const y = new Builder(block, registry).emit1('sum_all_p', xs);
    const { xsDot, ysDot } = linearize(block, registry, xs, [y]);
    return transpose(block, registry, xsDot, ysDot);
  }

  it('is linear in every repeat of the last input that linearIn lists', () => {
    const { xsBar } = run([0, 1]);

    expect(xsBar.every((bar) => bar !== null)).toBe(true);
  });

  it('rejects a tangent in a repeat that linearIn leaves out', () => {
    expect(() => run([0])).toThrow(/op 'sum_all_p' reads tangent 'x1_dot' as input 1, but it is not linear in that input \(linear in: 0\)/);
  });
});

describe('backward', () => {
  it('names the vjp package when a rule is missing', () => {
    const { registry, block, b, x } = setup();
    const y = tanh(b, x);

    expect(() => backward(block, registry, [y], [x])).toThrow(/No vjp rule .*'tanh'.*@primgrad\/vjp-rules/);
  });
});

describe('eliminateDeadCode', () => {
  it('keeps fetched vars and persistable writes', () => {
    const { block, b, x, w } = setup();
    const kept = add(b, x, w);
    tanh(b, x);

    const removed = eliminateDeadCode(block, [kept]);

    expect(removed).toBe(1);
    expect(block.ops.map((o) => o.type)).toEqual(['add']);
  });
});

describe('eliminateCommonSubexpressions', () => {
  it('merges repeated ops and rewires their readers', () => {
    const { block, b, x, w } = setup();
    const first = mul(b, x, w);
    const second = mul(b, x, w);
    const sum = add(b, first, second);

    const removed = eliminateCommonSubexpressions(block, [sum]);

    expect(removed).toBe(1);
    expect(block.ops.map((o) => o.type)).toEqual(['mul', 'add']);
    expect(block.ops[1]!.inputs).toEqual([first, first]);
    expect(block.hasVar(second.name)).toBe(false);
  });

  it('keeps an op whose output the caller holds', () => {
    const { block, b, x, w } = setup();
    const first = mul(b, x, w);
    const second = mul(b, x, w);

    const removed = eliminateCommonSubexpressions(block, [first, second]);

    expect(removed).toBe(0);
    expect(block.ops).toHaveLength(2);
  });

  it('tells constants apart by their attrs', () => {
    const { block, b } = setup();
    const one = b.emit1('fill_constant', [], { shape: [2], dtype: 'float64', value: 1 });
    const nan = b.emit1('fill_constant', [], { shape: [2], dtype: 'float64', value: Number.NaN });
    const again = b.emit1('fill_constant', [], { shape: [2], dtype: 'float64', value: 1 });
    const out = add(b, add(b, one, nan), again);

    eliminateCommonSubexpressions(block, [out]);

    expect(block.ops.filter((o) => o.type === 'fill_constant')).toHaveLength(2);
  });
});
