import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError, MissingRuleError, NDArray, PrimNotLoweredError, Program, Scope, ShapeError, createRegistry } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { CPUPlace, backendCpuPlugin } from '@primgrad/backend-cpu';
import {
  Executor,
  add,
  concat,
  createParameter,
  data,
  disablePrim,
  enablePrim,
  gradients,
  mul,
  pad,
  prim2orig,
  programGuard,
  scale,
  slice,
  softmax,
  tanh,
  type RunOptions,
} from '../src/index.js';

const forwardOnly = [origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, linearizeRulesPlugin, backendCpuPlugin];
const full = createRegistry([...forwardOnly, transposeRulesPlugin]);

afterEach(() => disablePrim());

function build<T>(fn: () => T, registry = full): { main: Program; result: T } {
  const main = new Program();
  const result = programGuard(main, new Program(), fn, { registry });
  return { main, result };
}

describe('errors', () => {
  it('names a prim left in a block', () => {
    enablePrim();
    const { main, result } = build(() => {
      const x = data('x', [2], 'float64');
      x.stopGradient = false;
      return gradients([tanh(x)], [x])[0]!;
    });
    const run = () => new Executor(new CPUPlace()).run(main, { feed: { x: [1, 2] }, fetchList: [result], scope: new Scope() });

    expect(run).toThrow(PrimNotLoweredError);
    expect(run).toThrow(/Op #0 'tanh_p' is a prim.*Run prim2orig\(block\)/);
  });

  it('a missing transpose rule names the op, the rule kind and the package', () => {
    enablePrim();
    const attempt = () =>
      build(() => {
        const x = data('x', [2], 'float64');
        x.stopGradient = false;
        return gradients([tanh(x)], [x]);
      }, createRegistry(forwardOnly));

    expect(attempt).toThrow(MissingRuleError);
    expect(attempt).toThrow(/No transpose rule is registered for op '\w+_p'\. It is provided by @primgrad\/transpose-rules/);
  });

  it('a shape mismatch at build time names the op and both shapes', () => {
    const attempt = () => build(() => add(data('a', [2, 3], 'float64'), data('b', [4], 'float64')));

    expect(attempt).toThrow(ShapeError);
    expect(attempt).toThrow('add: shapes [2,3] and [4] do not broadcast: trailing dims must be equal or 1 (input shapes: [2,3], [4])');
  });

  it('a feed of the wrong shape names the var and both shapes', () => {
    const { main, result } = build(() => tanh(data('x', [2, 2], 'float64')));
    const run = () => new Executor(new CPUPlace()).run(main, { feed: { x: [1, 2, 3] }, fetchList: [result], scope: new Scope() });

    expect(run).toThrow("feed 'x': got shape [3], the var is float64[2,2].");
  });

  it('a feed for an unknown var lists the data vars', () => {
    const { main, result } = build(() => tanh(data('x', [2], 'float64')));
    const run = () => new Executor(new CPUPlace()).run(main, { feed: { y: [1, 2] }, fetchList: [result], scope: new Scope() });

    expect(run).toThrow("feed: the program has no var 'y'. Its data vars: x.");
  });

  it('an unknown dim in data() says shapes are static', () => {
    expect(() => build(() => data('x', [-1, 3], 'float64'))).toThrow(/shape \[-1,3\] has an unknown dim; shapes are static here/);
  });

  it('concat of no vars names the argument', () => {
    expect(() => build(() => concat([]))).toThrow("concat: 'xs' must be a non-empty array of vars, got an empty array.");
    expect(() => build(() => concat([data('x', [2], 'float64'), 3 as never]))).toThrow("concat: 'xs[1]' must be a var (got number).");
  });

  it('slice with a zero step names the op and the axis', () => {
    expect(() => build(() => slice(data('x', [4], 'float64'), [0], [0], [4], [0]))).toThrow(
      'slice: steps must be positive integers, got 0 for axis 0; reversing an axis is not supported.',
    );
  });

  it.each([
    ['a number for axes', () => slice(data('x', [4], 'float64'), 0 as never, [0], [1]), "slice: argument 'axes' must be a list of integers, got 0."],
    ['a NaN end', () => slice(data('x', [4], 'float64'), [0], [0], [NaN]), "slice: argument 'ends' must be a list of integers or nulls, got [NaN]."],
    ['a string step', () => slice(data('x', [4], 'float64'), [0], [0], [4], ['2' as never]), 'slice: argument \'steps\' must be a list of integers or nulls, got ["2"].'],
    [
      'lists of different lengths',
      () => slice(data('x', [4, 4], 'float64'), [0, 1], [0], [2, 2]),
      "slice: arguments 'axes', 'starts', 'ends' and 'steps' need one entry per sliced axis, got 2, 1, 2 and 2.",
    ],
  ] as const)('slice with %s', (_name, call, message) => {
    expect(() => build(call)).toThrow(ArgumentError);
    expect(() => build(call)).toThrow(message);
  });

  it.each([
    [
      'no after',
      () => pad(data('x', [2, 2], 'float64'), [0, 0], undefined as never),
      "pad: argument 'after' must be 2 non-negative integer(s), one per axis of x, got undefined.",
    ],
    [
      'a count per axis missing',
      () => pad(data('x', [2, 2], 'float64'), [0], [0, 0]),
      "pad: argument 'before' must be 2 non-negative integer(s), one per axis of x, got [0].",
    ],
    [
      'a negative count',
      () => pad(data('x', [2], 'float64'), [-1], [0]),
      "pad: argument 'before' must be 1 non-negative integer(s), one per axis of x, got [-1]. Use slice to remove elements.",
    ],
    ['a NaN interior', () => pad(data('x', [2], 'float64'), [0], [0], [NaN]), "pad: argument 'interior' must be 1 non-negative integer(s), one per axis of x, got [NaN]."],
  ] as const)('pad with %s', (_name, call, message) => {
    expect(() => build(call)).toThrow(ArgumentError);
    expect(() => build(call)).toThrow(message);
  });

  it('softmax of a 0-d var names the op and the shape', () => {
    expect(() => build(() => softmax(data('x', [], 'float64')))).toThrow(
      'softmax: axis -1 is out of range for rank 0; x needs rank 1 or more, or axis null (input shapes: [])',
    );
  });

  it('gradients of a non-var names the argument', () => {
    expect(() => build(() => gradients([42 as never], []))).toThrow('gradients: targets[0] must be a var (got number).');
  });
});

describe('gradients arguments', () => {
  it('rejects an int32 input', () => {
    const attempt = () => build(() => gradients([tanh(data('f', [2], 'float64'))], [data('i', [2], 'int32')]));

    expect(attempt).toThrow("gradients: inputs[0] ('i') is int32[2]; only float32 and float64 vars have gradients. Cast it to a float dtype first.");
  });

  it('rejects a nested array as targetGradients', () => {
    const attempt = () =>
      build(() => {
        const x = data('x', [2], 'float64');
        return gradients([tanh(x)], [x], [[1, 1] as never]);
      });

    expect(attempt).toThrow('gradients: targetGradients[0] must be a var or null (got an array).');
  });

  it('rejects targetGradients of another shape in both modes', () => {
    for (const prim of [true, false]) {
      if (prim) enablePrim();
      else disablePrim();
      const attempt = () =>
        build(() => {
          const x = data('x', [2], 'float64');
          return gradients([tanh(x)], [x], [data('v', [3], 'float64')]);
        });

      expect(attempt).toThrow(/targetGradients\[0\] \('v'\) is float64\[3\] but target 'tanh_0' is float64\[2\]; they must match/);
    }
  });

  it('prim2orig rejects a program', () => {
    expect(() => prim2orig(new Program() as never)).toThrow('prim2orig takes a block, e.g. prim2orig(main.block(0)); got Program.');
  });
});

describe('executor arguments', () => {
  // x is a data var, k an int32 data var, w a parameter, and scale_0 an op output.
  function scaled() {
    return build(() => {
      const x = data('x', [2, 3], 'float64');
      data('k', [2], 'int32');
      const w = createParameter([2, 3], 'float64', { name: 'w' });
      const y = scale(x, 2);
      return { y, z: mul(y, w) };
    });
  }

  const rejected: { case: string; target?: 'block' | 'number'; options: (y: unknown) => RunOptions; message: string }[] = [
    {
      case: 'a feed for an op output',
      options: (y) => ({ feed: { x: new Float64Array(6), scale_0: new Float64Array(6) }, fetchList: [y as never] }),
      message:
        "feed 'scale_0': the var is computed by op 'scale', so a feed for it would be ignored. Only data vars (and " +
        'persistable vars, whose feed replaces their scope value for the run) can be fed. Its data vars: x, k.',
    },
    {
      case: 'a typed array of the wrong length',
      options: (y) => ({ feed: { x: new Float64Array(5) }, fetchList: [y as never] }),
      message: "feed 'x': got a typed array of 5 elements (shape [5]), but the var is float64[2,3], which has 6 elements. Pass 6 values.",
    },
    {
      case: 'a fraction fed to an int32 var',
      options: (y) => ({ feed: { x: new Float64Array(6), k: [1, 1.5] }, fetchList: [y as never] }),
      message: "feed 'k': Cannot convert to int32: the value at flat index 1 is 1.5, which is not an integer.",
    },
    {
      case: 'a fractional NDArray fed to an int32 var',
      options: (y) => ({ feed: { x: new Float64Array(6), k: NDArray.from([2, 0.5], 'float64') }, fetchList: [y as never] }),
      message: "feed 'k': Cannot convert to int32: the value at flat index 1 is 0.5, which is not an integer.",
    },
    {
      case: 'a fetchList that is one var',
      options: (y) => ({ feed: { x: new Float64Array(6) }, fetchList: y as never }),
      message: 'fetchList must be an array of vars or var names, got a Var; for one value pass [y] or [\'y\'].',
    },
    {
      case: 'a fetchList that is one name',
      options: () => ({ feed: { x: new Float64Array(6) }, fetchList: 'scale_0' as never }),
      message: 'fetchList must be an array of vars or var names, got "scale_0";',
    },
    {
      case: 'a block in place of the program',
      target: 'block',
      options: (y) => ({ feed: { x: new Float64Array(6) }, fetchList: [y as never] }),
      message: 'Executor.run takes a Program (e.g. main), not a block. Pass the program that contains the block: run(block.program, ...).',
    },
    {
      case: 'a number in place of the program',
      target: 'number',
      options: () => ({}),
      message: 'Executor.run takes a Program (e.g. main), got a number.',
    },
  ];

  it.each(rejected)('rejects $case', ({ target, options, message }) => {
    const { main, result } = scaled();
    const programs = { block: main.globalBlock(), number: 42 };
    const program = target === undefined ? main : programs[target];
    const run = () => new Executor(new CPUPlace()).run(program as Program, { ...options(result.y), scope: new Scope() });

    expect(run).toThrow(ArgumentError);
    expect(run).toThrow(message);
  });

  it('rejects a block in runAsync too', async () => {
    const { main } = scaled();

    await expect(new Executor(new CPUPlace()).runAsync(main.globalBlock() as never)).rejects.toThrow(
      'Executor.runAsync takes a Program (e.g. main), not a block.',
    );
  });

  it('views a flat typed array with the var shape', () => {
    const { main, result } = scaled();
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);

    const [y] = new Executor(new CPUPlace()).run(main, { feed: { x, w: new Float64Array(6) }, fetchList: [result.y], scope: new Scope() });

    expect(y!.shape).toEqual([2, 3]);
    expect(y!.toNested()).toEqual([[2, 4, 6], [8, 10, 12]]);
  });

  it.each([
    { shape: [0, 3], values: [] as number[], expected: [] as unknown },
    { shape: [], values: [5], expected: 10 },
    { shape: [3, 1], values: [1, 2, 3], expected: [[2], [4], [6]] },
  ])('feeds a typed array of shape $shape', ({ shape, values, expected }) => {
    const { main, result } = build(() => scale(data('x', shape, 'float64'), 2));

    const [y] = new Executor(new CPUPlace()).run(main, { feed: { x: Float64Array.from(values) }, fetchList: [result], scope: new Scope() });

    expect(y!.shape).toEqual(shape);
    expect(y!.toNested()).toEqual(expected);
  });

  it('accepts a feed for a persistable var', () => {
    const { main, result } = scaled();
    const w = Float64Array.from([1, 0, -1, 2, 0.5, 3]);

    const [z] = new Executor(new CPUPlace()).run(main, {
      feed: { x: Float64Array.from([1, 1, 1, 1, 1, 1]), w },
      fetchList: [result.z],
      scope: new Scope(),
    });

    expect(Array.from(z!.data)).toEqual([2, 0, -2, 4, 1, 6]);
  });
});
