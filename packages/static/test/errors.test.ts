import { afterEach, describe, expect, it } from 'vitest';
import { MissingRuleError, PrimNotLoweredError, Program, Scope, ShapeError, createRegistry } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { CPUPlace, backendCpuPlugin } from '@primgrad/backend-cpu';
import { Executor, add, data, disablePrim, enablePrim, gradients, prim2orig, programGuard, tanh } from '../src/index.js';

const forwardOnly = [origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, linearizeRulesPlugin, backendCpuPlugin];
const full = createRegistry([...forwardOnly, transposeRulesPlugin]);

afterEach(() => disablePrim());

function build<T>(fn: () => T, registry = full): { main: Program; result: T } {
  const main = new Program();
  const result = programGuard(main, new Program(), fn, { registry });
  return { main, result };
}

describe('errors', () => {
  it('running a block that holds a prim names the op and says to run prim2orig', () => {
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
