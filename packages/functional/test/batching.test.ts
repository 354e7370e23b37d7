import { ArgumentError, NDArray, PLUGIN_CONTRACT_VERSION, type OpDef, type Plugin } from '@primgrad/ir';
import { primOpDefs } from '@primgrad/prim-ops';
import { describe, expect, it } from 'vitest';
import { BatchRuleError, Jacobian, batchRules, concat, nativeOp, printStages, type BatchRule, type Tensor } from '../src/index.js';
import { counted, expectClose, standardRegistry } from './helpers.js';

const sameType: OpDef['infer'] = ([x]) => [{ shape: x!.shape, dtype: x!.dtype }];

/** A third party's op: double(x) = 2x, with a linear prim double_p and every rule, but no batching rule. */
const doublePlugin: Plugin = {
  name: 'test-double',
  contract: PLUGIN_CONTRACT_VERSION,
  ops: [
    { type: 'double', kind: 'orig', inputs: ['x'], infer: sameType },
    { type: 'double_p', kind: 'prim', inputs: ['x'], linearIn: [0], infer: sameType },
  ],
  orig2prim: { double: (b, op) => [b.emit1('double_p', [op.inputs[0]!])] },
  prim2orig: { double_p: (b, op) => [b.emit1('double', [op.inputs[0]!])] },
  // d double(x) = double(dx); double is self-adjoint, so its transpose is double again.
  linearize: { double_p: (b, _op, [xDot]) => [xDot ? b.emit1('double_p', [xDot]) : null] },
  transpose: { double_p: (b, _op, [ct], linear) => [ct && linear[0] ? b.emit1('double_p', [ct]) : null] },
  kernels: { cpu: { double: ([x]: NDArray[]) => [new NDArray(x!.dtype, x!.shape, x!.data.map((v) => 2 * v))] } },
};

const registry = standardRegistry([doublePlugin]);
const f = (x: Tensor) => (nativeOp('double', [x]) as Tensor).sin();
const x0 = [0.3, -0.7, 1.1];
// d sin(2x) = 2 cos(2x) dx, elementwise.
const expected = x0.map((xi, i) => x0.map((_, j) => (i === j ? 2 * Math.cos(2 * xi) : 0)));
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('a linear prim without a batching rule', () => {
  it.each(['forward', 'reverse'] as const)('is unrolled per element in %s mode, still in one execution', (mode) => {
    const options = { ...counted(), registry };

    const value = new Jacobian(f, [x0], { ...options, mode }).value();
    const batched = printStages(f, [x0], { registry, mode, batchSize: 3 }).batched;

    expectClose(value, expected, 1e-14);
    expect(options.place.runs).toBe(2);
    expect(count(batched, ' = double(')).toBe(3);
    expect(count(batched, ' = slice(')).toBe(3);
    expect(count(batched, ' = concat(')).toBe(1);
  });

  it('uses a batching rule passed in options', () => {
    const doubleRule: BatchRule = (b, _op, [x]) => [b.emit1('double_p', [x!])];
    const options = { registry, batchRules: { double_p: doubleRule } };

    const value = new Jacobian(f, [x0], options).value();
    const batched = printStages(f, [x0], { ...options, batchSize: 3 }).batched;

    expectClose(value, expected, 1e-14);
    expect(count(batched, ' = double(')).toBe(1);
    expect(batched).not.toContain(' = slice(');
    expect(batched).not.toContain(' = concat(');
  });

  it('reports a batching rule that returns the wrong shape', () => {
    const unbatched: BatchRule = (b, op) => [b.emit1('fill_constant_p', [], { shape: [...op.outputs[0]!.shape], dtype: 'float64', value: 0 })];
    const J = new Jacobian(f, [x0], { registry, batchRules: { double_p: unbatched } });

    expect(() => J.value()).toThrow(BatchRuleError);
    expect(() => J.value()).toThrow(
      "The batching rule for 'double_p' is wrong: the rule passed in options.batchRules returned float64[3] for output 0",
    );
  });

  it('wraps an error thrown by a batching rule, keeping it as the cause', () => {
    const failure = new TypeError('x.shape is undefined');
    const throwing: BatchRule = () => {
      throw failure;
    };
    const J = new Jacobian(f, [x0], { registry, batchRules: { double_p: throwing } });

    const error = (() => {
      try {
        J.value();
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected J.value() to throw');
    })();

    expect(error).toBeInstanceOf(BatchRuleError);
    expect(error.message).toBe(
      "The batching rule for 'double_p' is wrong: the rule passed in options.batchRules threw TypeError: x.shape is undefined. " +
        "Fix the rule, or leave 'double_p' out of batchRules to use the per-element fallback.",
    );
    expect(error.cause).toBe(failure);
  });
});

describe('options.batchRules', () => {
  const doubleRule: BatchRule = (b, _op, [x]) => [b.emit1('double_p', [x!])];

  it.each([
    [
      'a misspelled prim',
      { flipp: doubleRule },
      "Jacobian: options.batchRules has the key 'flipp', which is not a prim in the registry. " +
        'Check its spelling; the linear prims without a built-in batching rule are: double_p.',
    ],
    [
      'a native op',
      { double: doubleRule },
      "Jacobian: options.batchRules has the key 'double', which is not a prim in the registry ('double' is a native op; " +
        'batching rules are for the prims it lowers to). Check its spelling; the linear prims without a built-in batching rule are: double_p.',
    ],
    [
      'a rule that is not a function',
      { double_p: 42 },
      "Jacobian: options.batchRules['double_p'] must be a batching rule, a function (b, op, inputs, batched, size) => Var[], got 42.",
    ],
    [
      'a list of rules',
      [doubleRule],
      'Jacobian: options.batchRules must be an object mapping prim types to batching rules, such as { my_p: rule }, got [a function].',
    ],
  ])('rejects %s', (_case, batchRules, message) => {
    const create = () => new Jacobian(f, [x0], { registry, batchRules: batchRules as never });

    expect(create).toThrow(ArgumentError);
    expect(create).toThrow(message);
  });

  it('prefers a passed rule over the built-in one', () => {
    let calls = 0;
    const countingMul: BatchRule = (...args) => {
      calls++;
      return batchRules.mul_p!(...args);
    };

    const value = new Jacobian(f, [x0], { registry, batchRules: { mul_p: countingMul } }).value();

    expectClose(value, expected, 1e-14);
    expect(calls).toBe(1);
  });
});

describe('nativeOp', () => {
  it.each([
    ['a prim with a native op of the same stem', 'double_p', "use the native op 'double' instead: nativeOp('double', ...)."],
    ['a prim with no native counterpart', 'select_p', 'define a native op whose orig2prim rule lowers to it, and call that.'],
  ])('rejects %s', (_case, type, fix) => {
    const call = () => new Jacobian((x: Tensor) => nativeOp(type, [x]) as Tensor, [x0], { registry }).value();

    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(`nativeOp: '${type}' is a prim, but a traced function may only contain native ops; ${fix}`);
  });
});

describe('built-in batching rules', () => {
  it('cover every linear prim of prim-ops', () => {
    const linear = primOpDefs.filter((d) => (d.linearIn ?? []).length > 0).map((d) => d.type);

    expect(linear.filter((type) => !(type in batchRules))).toEqual([]);
  });

  // With a rule, each linear op of g is batched once; the per-element fallback would emit it once per batch element.
  const g = (x: Tensor, y: Tensor) => concat([x.slice([0], [1], [null], [2]).pad([1], [0]), y], 0).mul(y.sum());
  const inputs = [[0.5, -1, 2, 3], [0.25, -0.5]];
  // g(x, y) = [0, x₁, x₃, y₀, y₁] · (y₀ + y₁)
  const expected = (x: number[], y: number[]) => {
    const s = y[0]! + y[1]!;
    const v = [0, x[1]!, x[3]!, y[0]!, y[1]!];
    return v.map((vi, i) => [...x.map((_, j) => (j === 1 && i === 1) || (j === 3 && i === 2) ? s : 0), ...y.map((_, j) => (i === 3 + j ? s : 0) + vi)]);
  };

  // The reverse-mode linear part contains no concat_p, because transposing concat_p gives slice_p.
  it.each([
    ['forward', ['slice', 'pad', 'concat']],
    ['reverse', ['slice', 'pad']],
  ] as const)('batch concat_p, slice_p and pad_p in %s mode', (mode, present) => {
    const { linear, batched } = printStages(g, inputs, { mode, batchSize: 3 });
    const value = new Jacobian(g, inputs, { mode }).value();

    expectClose(value, expected(inputs[0]!, inputs[1]!), 1e-15);
    for (const op of present) expect(count(linear, ` = ${op}_p(`), op).toBeGreaterThan(0);
    for (const op of ['slice', 'pad', 'concat']) expect(count(batched, ` = ${op}(`), op).toBe(count(linear, ` = ${op}_p(`));
  });
});
