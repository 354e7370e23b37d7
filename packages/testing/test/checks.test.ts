import { ArgumentError, MissingRuleError, NDArray, createRegistry, type Plugin } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import {
  ConformanceError,
  checkLinearize,
  checkOrig2Prim,
  checkPrim2Orig,
  checkSecondOrder,
  checkTranspose,
  checkVjp,
  type CheckReport,
} from '../src/index.js';
import {
  toyOpsPlugin,
  toyRulesPlugin,
  wrongDoubleLowering,
  wrongDoubleRaise,
  wrongPositiveRaise,
  wrongSquareLowering,
  wrongSquareVjp,
  wrongTimesLinearize,
  wrongTimesVjp,
} from './toy.js';

const good = createRegistry([toyOpsPlugin, toyRulesPlugin]);
const withBroken = (plugin: Plugin) => createRegistry([toyOpsPlugin, toyRulesPlugin, plugin]);

const f64 = (shape: number[]) => ({ shape, dtype: 'float64' }) as const;
/** Fixed values where x² and 2x differ at [0,1] (1 against 2) and [1,1] (9 against 6). */
const squareValues = { shape: [2, 2], dtype: 'float64', value: [[0, 1], [2, 3]] } as const;
/** Fixed values where x² and 2x differ at [1] (1 against 2) and [3] (25 against 10). */
const doubleValues = { shape: [4], dtype: 'float64', value: [0, 1, 2, 5] } as const;
const twice = ([x]: readonly NDArray[]) => [NDArray.from(Float64Array.from(x!.data, (v) => 2 * v), 'float64', x!.shape)];

function failureOf(run: () => unknown): CheckReport {
  try {
    run();
  } catch (e) {
    if (e instanceof ConformanceError) return e.report;
    throw e;
  }
  throw new Error('the check passed, but it was expected to fail');
}

describe('checkOrig2Prim', () => {
  it('passes correct lowerings', () => {
    for (const op of ['square', 'times', 'add', 'double']) {
      const inputs = op === 'times' || op === 'add' ? [f64([2, 3]), f64([2, 3])] : [f64([2, 3])];

      const report = checkOrig2Prim(good, { op, inputs });

      expect(report.passed, op).toBe(true);
      expect(report.check).toBe('orig2prim');
      expect(report.plugin).toBe('toy-rules');
      expect(report.comparedElements).toBe(12);
    }
  });

  it('lists the prim2orig rules it ran', () => {
    const report = checkOrig2Prim(good, { op: 'square', inputs: [f64([3])] });

    expect(report.rules).toEqual([
      { op: 'square', ruleKind: 'orig2prim', plugin: 'toy-rules' },
      { op: 'times_p', ruleKind: 'prim2orig', plugin: 'toy-rules' },
    ]);
  });

  it('fails a wrong lowering naming the worst element', () => {
    const report = failureOf(() => checkOrig2Prim(withBroken(wrongSquareLowering), { op: 'square', inputs: [squareValues], trials: 1 }));

    expect(report.op).toBe('square');
    expect(report.ruleKind).toBe('orig2prim');
    expect(report.plugin).toBe('toy-wrong-square-lowering');
    expect(report.failedElements).toBe(2);
    expect(report.worst!.value).toBe("output 0 ('square_0')");
    expect(report.worst!.index).toEqual([0, 1]);
    expect(report.worst!.got).toBe(2);
    expect(report.worst!.expected).toBe(1);
  });

  it('names the rule, plugin and index in the message', () => {
    expect(() => checkOrig2Prim(withBroken(wrongSquareLowering), { op: 'square', inputs: [squareValues] })).toThrow(
      /orig2prim check failed for the orig2prim rule for 'square' from plugin 'toy-wrong-square-lowering'[\s\S]*CPU kernel of 'square'[\s\S]*at index \[0,1\]/,
    );
  });

  it('compares bool outputs exactly', () => {
    const report = checkOrig2Prim(good, { op: 'positive', inputs: [{ shape: [3], dtype: 'float64', value: [-1, 0, 2] }] });

    expect(report.passed).toBe(true);
    expect(report.comparedElements).toBe(6);
  });

  it('rejects a prim', () => {
    expect(() => checkOrig2Prim(good, { op: 'double_p', inputs: [f64([2])] })).toThrow(/'double_p' is a prim, but checkOrig2Prim takes a native op/);
  });

  it('rejects an op without an orig2prim rule', () => {
    expect(() => checkOrig2Prim(good, { op: 'nonnegative', inputs: [f64([2])] })).toThrow(MissingRuleError);
  });
});

describe('checkPrim2Orig', () => {
  it('passes a correct raise against a reference', () => {
    const report = checkPrim2Orig(good, { op: 'double_p', inputs: [f64([2, 3])], reference: twice });

    expect(report.passed).toBe(true);
    expect(report.check).toBe('prim2orig');
    expect(report.plugin).toBe('toy-rules');
    expect(report.summary).toMatch(/prim2orig check passed for the prim2orig rule for 'double_p'/);
  });

  it('passes correct rules by round trip', () => {
    for (const op of ['double_p', 'times_p', 'add_p', 'square_p']) {
      const inputs = op === 'times_p' || op === 'add_p' ? [f64([3]), f64([3])] : [f64([3])];

      expect(checkPrim2Orig(good, { op, inputs }).passed, op).toBe(true);
    }
  });

  it('fails a wrong raise against a reference', () => {
    const report = failureOf(() =>
      checkPrim2Orig(withBroken(wrongDoubleRaise), { op: 'double_p', inputs: [doubleValues], reference: twice, trials: 1 }),
    );

    expect(report.plugin).toBe('toy-wrong-double-raise');
    expect(report.failedElements).toBe(2);
    expect(report.worst!.index).toEqual([3]);
    expect(report.worst!.got).toBe(25);
    expect(report.worst!.expected).toBe(10);
    expect(report.summary).toMatch(/differ from the reference function/);
  });

  it('fails a round trip through a wrong lowering', () => {
    const report = failureOf(() => checkPrim2Orig(withBroken(wrongDoubleLowering), { op: 'double_p', inputs: [doubleValues], trials: 1 }));

    expect(report.plugin).toBe('toy-rules');
    expect(report.rules).toContainEqual({ op: 'double', ruleKind: 'orig2prim', plugin: 'toy-wrong-double-lowering' });
    expect(report.worst!.index).toEqual([3]);
    expect(report.worst!.got).toBe(25);
    expect(report.worst!.expected).toBe(10);
  });

  it('round trip misses a wrong raise that lowers back', () => {
    // double_p raised to times(x, x) lowers to times_p and raises to times again: the values agree.
    const report = checkPrim2Orig(withBroken(wrongDoubleRaise), { op: 'double_p', inputs: [doubleValues] });

    expect(report.passed).toBe(true);
  });

  it('compares bool outputs exactly whatever the tolerance', () => {
    const report = failureOf(() =>
      checkPrim2Orig(withBroken(wrongPositiveRaise), {
        op: 'positive_p',
        inputs: [{ shape: [3], dtype: 'float64', value: [-1, 0, 2] }],
        reference: (inputs) => [Array.from(inputs[0]!.data, (x) => x > 0)],
        tol: { rtol: 10, atol: 10 },
        trials: 1,
      }),
    );

    expect(report.failedElements).toBe(1);
    expect(report.worst!.index).toEqual([1]);
    expect(report.worst!.got).toBe(1);
    expect(report.worst!.expected).toBe(0);
  });

  it('rejects a reference with another output count', () => {
    expect(() =>
      checkPrim2Orig(good, { op: 'double_p', inputs: [f64([3])], reference: (inputs) => [...twice(inputs), ...twice(inputs)] }),
    ).toThrow(/returned 2 value\(s\); 'double_p' has 1 output\(s\)/);
  });

  it('rejects a reference value of another shape', () => {
    expect(() => checkPrim2Orig(good, { op: 'double_p', inputs: [f64([3])], reference: () => [[1, 2]] })).toThrow(
      /reference value of output 0 has shape \[2\], but the output is \[3\]/,
    );
  });

  it('rejects a native op', () => {
    expect(() => checkPrim2Orig(good, { op: 'double', inputs: [f64([2])] })).toThrow(ArgumentError);
  });
});

describe('checkVjp', () => {
  it('passes vjp rules that agree with the prim mechanism', () => {
    for (const op of ['square', 'times', 'add', 'double']) {
      const inputs = op === 'times' || op === 'add' ? [f64([2, 3]), f64([2, 3])] : [f64([2, 3])];

      const report = checkVjp(good, { op, inputs });

      expect(report.passed, op).toBe(true);
      expect(report.check).toBe('vjp');
      expect(report.plugin).toBe('toy-rules');
    }
  });

  it('lists the prim rules it compared against', () => {
    const report = checkVjp(good, { op: 'square', inputs: [f64([3])] });

    expect(report.rules).toContainEqual({ op: 'square', ruleKind: 'orig2prim', plugin: 'toy-rules' });
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'linearize', plugin: 'toy-rules' });
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'transpose', plugin: 'toy-rules' });
  });

  it('passes with one input held fixed', () => {
    const report = checkVjp(good, { op: 'times', inputs: [f64([4]), f64([4])], wrt: [1], trials: 3 });

    expect(report.passed).toBe(true);
    expect(report.comparedElements).toBe(12);
  });

  it('fails a wrong rule naming the worst element', () => {
    const report = failureOf(() => checkVjp(withBroken(wrongSquareVjp), { op: 'square', inputs: [squareValues], trials: 1 }));
    const worst = report.worst!;

    expect(report.ruleKind).toBe('vjp');
    expect(report.plugin).toBe('toy-wrong-square-vjp');
    // Three of the four elements differ: at x = 0 both sides are 0.
    expect(report.failedElements).toBe(3);
    expect(worst.value).toBe("cotangent of input 0 ('x_0')");
    // The wrong rule gives ct x where the prim mechanism gives 2x ct.
    expect(worst.got).toBeCloseTo(worst.expected / 2, 12);
    expect(report.summary).toMatch(/vjp check failed for the vjp rule for 'square' from plugin 'toy-wrong-square-vjp'/);
  });

  it('rejects a prim', () => {
    expect(() => checkVjp(good, { op: 'square_p', inputs: [f64([2])] })).toThrow(/checkVjp takes a native op/);
  });

  it('rejects a non-differentiable op', () => {
    expect(() => checkVjp(good, { op: 'positive', inputs: [f64([2])] })).toThrow(/is not differentiable/);
  });

  it('names the provider of a missing vjp rule', () => {
    const registry = createRegistry([toyOpsPlugin, { ...toyRulesPlugin, name: 'toy-rules-without-vjp', vjp: undefined }]);

    expect(() => checkVjp(registry, { op: 'double', inputs: [f64([2])] })).toThrow(/No vjp rule is registered for op 'double'. It is provided by toy-rules-package/);
  });
});

describe('checkSecondOrder', () => {
  it('passes linearize of linearize for a prim', () => {
    const report = checkSecondOrder(good, { op: 'square_p', inputs: [f64([2, 3])] });

    expect(report.passed).toBe(true);
    expect(report.check).toBe('second-order');
    expect(report.ruleKind).toBe('linearize');
    expect(report.plugin).toBe('toy-rules');
    expect(report.comparedElements).toBe(12);
  });

  it('passes for native ops through their prim form', () => {
    expect(checkSecondOrder(good, { op: 'square', inputs: [f64([3])] }).passed).toBe(true);
    expect(checkSecondOrder(good, { op: 'times', inputs: [f64([3]), f64([3])] }).passed).toBe(true);
  });

  it('passes backward of backward', () => {
    for (const op of ['square', 'times']) {
      const inputs = op === 'times' ? [f64([2, 2]), f64([2, 2])] : [f64([2, 2])];

      const report = checkSecondOrder(good, { op, inputs, mechanism: 'vjp' });

      expect(report.passed, op).toBe(true);
      expect(report.ruleKind).toBe('vjp');
    }
  });

  it('fails a rule that breaks only second derivatives', () => {
    const registry = withBroken(wrongTimesLinearize);

    const first = checkLinearize(registry, { op: 'square_p', inputs: [f64([3])] });
    const report = failureOf(() => checkSecondOrder(registry, { op: 'square_p', inputs: [f64([3])], trials: 1 }));

    expect(first.passed).toBe(true);
    expect(report.failedElements).toBe(3);
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'linearize', plugin: 'toy-wrong-times-linearize' });
    // d²(x²)[u, v] = 2uv, but the wrong rule returns a symbolic zero for it.
    expect(report.worst!.value).toBe("second-order tangent of output 0 ('square_0') (a symbolic zero)");
    expect(report.worst!.got).toBe(0);
  });

  it('fails a wrong vjp rule met in the second backward pass', () => {
    const report = failureOf(() =>
      checkSecondOrder(withBroken(wrongTimesVjp), { op: 'square', inputs: [f64([3])], mechanism: 'vjp', trials: 1 }),
    );

    expect(report.ruleKind).toBe('vjp');
    expect(report.plugin).toBe('toy-rules');
    expect(report.rules).toContainEqual({ op: 'times', ruleKind: 'vjp', plugin: 'toy-wrong-times-vjp' });
    expect(report.worst!.value).toBe("second-order cotangent of input 0 ('x_0')");
  });

  it('rejects the vjp mechanism on a prim', () => {
    expect(() => checkSecondOrder(good, { op: 'square_p', inputs: [f64([2])], mechanism: 'vjp' })).toThrow(/use mechanism 'prim'/);
  });

  it('rejects an unknown mechanism', () => {
    expect(() =>
      checkSecondOrder(good, { op: 'square', inputs: [f64([2])], mechanism: 'jvp' as unknown as 'prim' }),
    ).toThrow(/mechanism must be 'prim' or 'vjp', got "jvp"/);
  });

  it('rejects large inputs for the vjp mechanism', () => {
    expect(() => checkSecondOrder(good, { op: 'square', inputs: [f64([1025])], mechanism: 'vjp' })).toThrow(/1025 elements \(at most 1024\)/);
  });
});

describe('checkLinearize and checkTranspose on native ops', () => {
  it('checks the linearize rules of the prim form', () => {
    const report = checkLinearize(good, { op: 'square', inputs: [f64([2, 3])] });

    expect(report.passed).toBe(true);
    expect(report.plugin).toBeUndefined();
    expect(report.rules).toContainEqual({ op: 'square', ruleKind: 'orig2prim', plugin: 'toy-rules' });
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'linearize', plugin: 'toy-rules' });
  });

  it('fails through a wrong prim rule', () => {
    const report = failureOf(() => checkLinearize(withBroken(wrongTimesLinearize), { op: 'square', inputs: [squareValues] }));

    expect(report.summary).toMatch(/the linearize rules that 'square' relies on/);
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'linearize', plugin: 'toy-wrong-times-linearize' });
    // d(x x) = ẋ x + x ẋ, and the wrong rule keeps one of the two terms.
    expect(report.worst!.got).toBeCloseTo(report.worst!.expected / 2, 8);
  });

  it('checks the transpose rules of the prim form', () => {
    const report = checkTranspose(good, { op: 'square', inputs: [f64([2, 3])] });

    expect(report.passed).toBe(true);
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'transpose', plugin: 'toy-rules' });
  });
});
