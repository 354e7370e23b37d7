import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  NDArray,
  PLUGIN_CONTRACT_VERSION,
  PrimNotLoweredError,
  UnknownOpError,
  createRegistry,
  type LinearizeRule,
  type OpDef,
  type Plugin,
  type TransposeRule,
} from '@primgrad/ir';
import type { CpuKernel } from '@primgrad/backend-cpu';
import { prim2orig } from '@primgrad/transforms';
import {
  ConformanceError,
  awayFromZero,
  buildOpProgram,
  checkLinearize,
  checkTranspose,
  createRng,
  runBlock,
  type CheckReport,
} from './index.js';

// A third party's plugin, written against @primgrad/ir only: three prims, the native ops they
// raise to, and CPU kernels for those.

function elementwiseDef(type: string, kind: 'orig' | 'prim', inputs: string[], linearIn?: number[]): OpDef {
  return {
    type,
    kind,
    inputs,
    ...(linearIn ? { linearIn } : {}),
    infer: (types) => [{ shape: types[0]!.shape, dtype: types[0]!.dtype }],
  };
}

function elementwiseKernel(f: (...args: number[]) => number): CpuKernel {
  return (inputs, _op, [outType]) => {
    const out = NDArray.zeros(outType!.dtype, outType!.shape);
    for (let i = 0; i < out.size; i++) out.data[i] = f(...inputs.map((a) => a.data[i]!));
    return [out];
  };
}

const toyOpsPlugin: Plugin = {
  name: 'toy-ops',
  contract: PLUGIN_CONTRACT_VERSION,
  backends: ['cpu'],
  ops: [
    elementwiseDef('square_p', 'prim', ['x']),
    elementwiseDef('double_p', 'prim', ['x'], [0]),
    elementwiseDef('times_p', 'prim', ['x', 'y'], [0, 1]),
    elementwiseDef('square', 'orig', ['x']),
    elementwiseDef('double', 'orig', ['x']),
    elementwiseDef('times', 'orig', ['x', 'y']),
  ],
  prim2orig: {
    square_p: (b, op) => [b.emit1('square', op.inputs)],
    double_p: (b, op) => [b.emit1('double', op.inputs)],
    times_p: (b, op) => [b.emit1('times', op.inputs)],
  },
  kernels: {
    cpu: {
      square: elementwiseKernel((x) => x * x),
      double: elementwiseKernel((x) => 2 * x),
      times: elementwiseKernel((x, y) => x * y),
    },
  },
};

// d(x²) = 2x dx
const squareLinearize: LinearizeRule = (b, op, [xDot]) => [
  xDot ? b.emit1('times_p', [b.emit1('double_p', op.inputs), xDot]) : null,
];
const doubleLinearize: LinearizeRule = (b, _op, [xDot]) => [xDot ? b.emit1('double_p', [xDot]) : null];
// out = x y with one factor fixed: the linear input's cotangent is ct times the other factor
const timesTranspose: TransposeRule = (b, op, [ct], linear) => {
  if (!ct) return [null, null];
  return linear[0] ? [b.emit1('times_p', [ct, op.inputs[1]!]), null] : [null, b.emit1('times_p', [ct, op.inputs[0]!])];
};

const toyRulesPlugin: Plugin = {
  name: 'toy-rules',
  contract: PLUGIN_CONTRACT_VERSION,
  linearize: { square_p: squareLinearize, double_p: doubleLinearize },
  transpose: {
    // out = 2x: x̄ = 2 ct
    double_p: (b, _op, [ct]) => [ct ? b.emit1('double_p', [ct]) : null],
    times_p: timesTranspose,
  },
};

const wrongRulesPlugin: Plugin = {
  name: 'toy-wrong-rules',
  contract: PLUGIN_CONTRACT_VERSION,
  linearize: {
    // Drops the factor 2 of d(x²) = 2x dx.
    square_p: (b, op, [xDot]) => [xDot ? b.emit1('times_p', [op.inputs[0]!, xDot]) : null],
    double_p: doubleLinearize,
  },
  transpose: {
    // Drops the factor 2 of the transpose of out = 2x.
    double_p: (_b, _op, [ct]) => [ct],
    times_p: timesTranspose,
  },
};

const zeroRulesPlugin: Plugin = {
  name: 'toy-zero-rules',
  contract: PLUGIN_CONTRACT_VERSION,
  // Claims x² has no derivative.
  linearize: { square_p: (_b, op) => op.outputs.map(() => null) },
};

const goodRegistry = createRegistry([toyOpsPlugin, toyRulesPlugin]);
const wrongRegistry = createRegistry([toyOpsPlugin, wrongRulesPlugin]);

/** x = 0 everywhere but at [1, 1], so only that element's tangent differs under the wrong rule. */
const oneNonzero = { shape: [2, 2], dtype: 'float64', value: [[0, 0], [0, 3]] } as const;

function failureOf(run: () => unknown): CheckReport {
  try {
    run();
  } catch (e) {
    if (e instanceof ConformanceError) return e.report;
    throw e;
  }
  throw new Error('the check passed, but it was expected to fail');
}

describe('checkLinearize', () => {
  it('passes a correct rule', () => {
    const report = checkLinearize(goodRegistry, { op: 'square_p', inputs: [{ shape: [2, 3], dtype: 'float64' }] });

    expect(report.passed).toBe(true);
    expect(report.check).toBe('linearize');
    expect(report.plugin).toBe('toy-rules');
    expect(report.comparedElements).toBe(12);
    expect(report.rules).toContainEqual({ op: 'square_p', ruleKind: 'prim2orig', plugin: 'toy-ops' });
  });

  it('fails a wrong rule naming the worst element', () => {
    const report = failureOf(() => checkLinearize(wrongRegistry, { op: 'square_p', inputs: [oneNonzero] }));
    const worst = report.worst!;

    expect(report.passed).toBe(false);
    expect(report.op).toBe('square_p');
    expect(report.ruleKind).toBe('linearize');
    expect(report.plugin).toBe('toy-wrong-rules');
    expect(report.failedElements).toBe(2);
    expect(worst.index).toEqual([1, 1]);
    // The wrong rule gives 3 ẋ where d(x²) at x = 3 is 6 ẋ.
    expect(worst.got).toBeCloseTo(worst.expected / 2, 8);
    expect(worst.absError).toBeCloseTo(Math.abs(worst.got - worst.expected), 12);
    expect(worst.relError).toBeCloseTo(0.5, 8);
  });

  it('names the op, plugin and index in the message', () => {
    expect(() => checkLinearize(wrongRegistry, { op: 'square_p', inputs: [oneNonzero] })).toThrow(
      /linearize check failed for the linearize rule for 'square_p' from plugin 'toy-wrong-rules'[\s\S]*at index \[1,1\]/,
    );
  });

  it('fails a rule that returns a symbolic zero for a nonzero tangent', () => {
    const registry = createRegistry([toyOpsPlugin, zeroRulesPlugin]);

    const report = failureOf(() => checkLinearize(registry, { op: 'square_p', inputs: [oneNonzero] }));

    expect(report.worst!.value).toMatch(/symbolic zero/);
    expect(report.worst!.got).toBe(0);
  });

  it('returns a failing report when asked not to throw', () => {
    const report = checkLinearize(wrongRegistry, { op: 'square_p', inputs: [oneNonzero], throwOnFailure: false });

    expect(report.passed).toBe(false);
    expect(report.summary).toMatch(/2 of 8 element\(s\) differ/);
  });

  it('draws the same values for the same seed', () => {
    const spec = { op: 'square_p', inputs: [{ shape: [3], dtype: 'float64' }], seed: 7, throwOnFailure: false } as const;

    const first = checkLinearize(wrongRegistry, spec);
    const second = checkLinearize(wrongRegistry, spec);
    const other = checkLinearize(wrongRegistry, { ...spec, seed: 8 });

    expect(second.worst).toEqual(first.worst);
    expect(other.worst!.got).not.toBe(first.worst!.got);
  });

  it('rejects wrt on a non-float input', () => {
    expect(() =>
      checkLinearize(goodRegistry, { op: 'square_p', inputs: [{ shape: [2], dtype: 'int32' }], wrt: [0] }),
    ).toThrow(ArgumentError);
  });

  it('rejects wrt on a missing input', () => {
    expect(() => checkLinearize(goodRegistry, { op: 'square_p', inputs: [{ shape: [2], dtype: 'float64' }], wrt: [1] })).toThrow(
      /wrt lists input 1, which is missing/,
    );
  });

  it('rejects a value of another shape', () => {
    expect(() =>
      checkLinearize(goodRegistry, { op: 'square_p', inputs: [{ shape: [3], dtype: 'float64', value: [1, 2] }] }),
    ).toThrow(/has shape \[2\], but the spec gives \[3\]/);
  });

  it('rejects an unknown op', () => {
    expect(() => checkLinearize(goodRegistry, { op: 'cube_p', inputs: [] })).toThrow(UnknownOpError);
  });
});

describe('checkTranspose', () => {
  it('passes correct rules', () => {
    const report = checkTranspose(goodRegistry, { op: 'square_p', inputs: [{ shape: [2, 3], dtype: 'float64' }] });

    expect(report.passed).toBe(true);
    expect(report.check).toBe('transpose');
    expect(report.rules).toContainEqual({ op: 'times_p', ruleKind: 'transpose', plugin: 'toy-rules' });
    expect(report.projection!.relError).toBeLessThan(1e-12);
  });

  it('fails a wrong rule naming the worst element', () => {
    const report = failureOf(() => checkTranspose(wrongRegistry, { op: 'double_p', inputs: [{ shape: [2, 3], dtype: 'float64' }] }));
    const worst = report.worst!;

    expect(report.op).toBe('double_p');
    expect(report.ruleKind).toBe('transpose');
    expect(report.plugin).toBe('toy-wrong-rules');
    // ⟨ȳ, 2ẋ⟩ against ⟨ȳ, ẋ⟩ from the wrong transpose.
    expect(report.projection!.forward).toBeCloseTo(2 * report.projection!.transposed, 12);
    expect(worst.value).toBe("cotangent of input 0 ('x_0')");
    expect(worst.got).toBeCloseTo(worst.expected / 2, 12);
    expect(report.failedElements).toBeGreaterThan(0);
  });

  it('keeps only the projection for large inputs', () => {
    const report = failureOf(() => checkTranspose(wrongRegistry, { op: 'double_p', inputs: [{ shape: [1025], dtype: 'float64' }] }));

    expect(report.worst).toBeNull();
    expect(report.summary).toMatch(/the projection identity does not hold to rtol 1e-10/);
  });

  it('names the transpose rules of a nonlinear op', () => {
    const report = checkTranspose(goodRegistry, { op: 'square_p', inputs: [{ shape: [2], dtype: 'float64' }] });

    expect(report.plugin).toBeUndefined();
    expect(report.summary).toMatch(/rules that 'square_p' relies on/);
  });
});

describe('helpers', () => {
  it('runBlock feeds nested arrays by name', () => {
    const p = buildOpProgram(goodRegistry, 'times_p', [
      { shape: [2], dtype: 'float64' },
      { shape: [2], dtype: 'float64' },
    ]);
    prim2orig(p.block, goodRegistry);

    const [out] = runBlock(goodRegistry, p.block, { [p.inputs[0]!.name]: [2, 3], [p.inputs[1]!.name]: [4, -1] }, p.outputs);

    expect(Array.from(out!.data)).toEqual([8, -3]);
  });

  it('runBlock rejects a block that still holds prims', () => {
    const p = buildOpProgram(goodRegistry, 'double_p', [{ shape: [2], dtype: 'float64' }]);

    expect(() => runBlock(goodRegistry, p.block, { [p.inputs[0]!.name]: [1, 2] }, p.outputs)).toThrow(PrimNotLoweredError);
  });

  it('buildOpProgram marks differentiable inputs', () => {
    const p = buildOpProgram(goodRegistry, 'times_p', [
      { shape: [], dtype: 'float64' },
      { shape: [], dtype: 'float64' },
    ], {}, [1]);

    expect(p.inputs.map((v) => v.stopGradient)).toEqual([true, false]);
    expect(p.inputs.every((v) => v.isData)).toBe(true);
    expect(p.outputs[0]!.shape).toEqual([]);
  });

  it('createRng repeats per seed and stays in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const draws = Array.from({ length: 1000 }, () => a());

    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(draws).size).toBe(1000);
  });

  it('awayFromZero keeps magnitudes in range', () => {
    const rng = createRng(1);
    const sample = awayFromZero(0.2, 1);
    const draws = Array.from({ length: 200 }, () => sample(rng));

    expect(draws.every((x) => Math.abs(x) >= 0.2 && Math.abs(x) < 1)).toBe(true);
    expect(draws.some((x) => x < 0) && draws.some((x) => x > 0)).toBe(true);
  });
});
