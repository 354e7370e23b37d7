/**
 * Round trips every native op that has an orig2prim rule, over shapes with 0-d, size-1 and
 * broadcast dims, in float32 and float64. The native program run on the CPU backend gives the
 * expected values. The same program lowered to prims and raised back must agree with it.
 */
import { NDArray, verifyBlock, type Builder, type DType, type Var } from '@primgrad/ir';
import * as orig from '@primgrad/orig-ops';
import { orig2prim, prim2orig } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { buildProgram, findMismatch, makeInput, registry, runOnCpu, seededRandom, type InputSpec } from './harness.js';

interface Case {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly build: (b: Builder, ...inputs: Var[]) => Var;
}

const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64'];

const BROADCAST_PAIRS: readonly [number[], number[]][] = [
  [[], []],
  [[3], [3]],
  [[2, 3], [3]],
  [[2, 1], [1, 3]],
  [[], [2, 3]],
  [[1], [4]],
  [[4, 1, 3], [2, 1]],
  [[0, 3], [1, 3]],
];

const BINARY_OPS: readonly [string, (b: Builder, x: Var, y: Var) => Var, InputSpec['values']][] = [
  ['add', orig.add, 'normal'],
  ['sub', orig.sub, 'normal'],
  ['mul', orig.mul, 'normal'],
  ['div', orig.div, 'normal'],
  ['pow', orig.pow, 'positive'],
  // Small integers give ties, where maximum and the comparisons are easiest to get wrong.
  ['maximum', orig.maximum, 'integers'],
  ['equal', orig.equal, 'integers'],
  ['greater_than', orig.greaterThan, 'integers'],
  ['greater_equal', orig.greaterEqual, 'integers'],
];

const UNARY_OPS: readonly [string, (b: Builder, x: Var) => Var, InputSpec['values']][] = [
  ['neg', orig.neg, 'normal'],
  ['exp', orig.exp, 'normal'],
  ['log', orig.log, 'positive'],
  ['tanh', orig.tanh, 'normal'],
  ['sqrt', orig.sqrt, 'positive'],
  ['sin', orig.sin, 'normal'],
  ['cos', orig.cos, 'normal'],
  ['abs', orig.abs, 'integers'],
  ['sigmoid', orig.sigmoid, 'normal'],
  // Integers put elements at 0, where relu's select takes its constant branch.
  ['relu', orig.relu, 'integers'],
  ['assign', orig.assign, 'normal'],
];

const REDUCTIONS = {
  reduce_sum: orig.reduceSum,
  reduce_mean: orig.reduceMean,
  reduce_max: orig.reduceMax,
  logsumexp: orig.logsumexp,
} as const;

/** Large, infinite and NaN elements, on which the max-shifted ops must agree with their kernels. */
const EXTREME_ROWS = [1000, 1001, 1002, -Infinity, 0, 1, -Infinity, -Infinity, -Infinity, Infinity, 0, 1, NaN, 0, 1];
/** EXTREME_ROWS transposed, for ops over axis 0. */
const EXTREME_COLUMNS = [0, 1, 2].flatMap((j) => [0, 1, 2, 3, 4].map((i) => EXTREME_ROWS[3 * i + j]!));

const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

const CONCATS: readonly { shapes: number[][]; axis: number }[] = [
  { shapes: [[2, 3], [2, 1], [2, 2]], axis: 1 },
  { shapes: [[1, 3], [2, 3]], axis: 0 },
  { shapes: [[2, 3], [2, 2]], axis: -1 },
  { shapes: [[3]], axis: 0 },
  { shapes: [[2, 0], [2, 3]], axis: 1 },
  { shapes: [[2, 1, 2], [2, 2, 2], [2, 1, 2]], axis: 1 },
];

interface SliceCase {
  readonly shape: number[];
  readonly axes: number[];
  readonly starts: (number | null)[];
  readonly ends: (number | null)[];
  readonly steps?: number[];
}

const SLICES: readonly SliceCase[] = [
  { shape: [5], axes: [0], starts: [1], ends: [4] },
  { shape: [5], axes: [0], starts: [-3], ends: [-1] },
  // Out-of-range bounds clamp, and an end before the start gives an empty slice, as in numpy.
  { shape: [5], axes: [0], starts: [-10], ends: [100] },
  { shape: [5], axes: [0], starts: [4], ends: [2] },
  { shape: [5], axes: [0], starts: [null], ends: [null], steps: [2] },
  { shape: [2, 3, 4], axes: [2, 0], starts: [1, 1], ends: [null, 2], steps: [2, 1] },
  { shape: [2, 3, 4], axes: [-2], starts: [0], ends: [3], steps: [3] },
  { shape: [2, 3], axes: [], starts: [], ends: [] },
  { shape: [0, 3], axes: [1], starts: [1], ends: [3] },
];

const PADS: readonly { shape: number[]; before: number[]; after: number[]; interior?: number[] }[] = [
  { shape: [3], before: [1], after: [2] },
  { shape: [2, 3], before: [0, 1], after: [1, 0] },
  { shape: [2, 3], before: [1, 0], after: [0, 2], interior: [1, 2] },
  { shape: [], before: [], after: [] },
  { shape: [0, 2], before: [1, 0], after: [0, 1], interior: [0, 1] },
];

const cases: Case[] = [
  ...BINARY_OPS.flatMap(([name, fn, values]) =>
    BROADCAST_PAIRS.flatMap(([xs, ys]) => [
      { name: `${name} ${fmt(xs)} ${fmt(ys)}`, inputs: [{ shape: xs, values }, { shape: ys, values }], build: fn },
      { name: `${name} ${fmt(ys)} ${fmt(xs)}`, inputs: [{ shape: ys, values }, { shape: xs, values }], build: fn },
    ]),
  ),
  ...UNARY_OPS.flatMap(([name, fn, values]) =>
    [[], [1], [2, 3]].map((shape) => ({ name: `${name} ${fmt(shape)}`, inputs: [{ shape, values }], build: fn })),
  ),
  ...[
    [2, 0],
    [1, 0.5],
    [-0.5, 3],
  ].flatMap(([factor, bias]) =>
    [[], [2, 3]].map((shape) => ({
      name: `scale ${factor} ${bias} ${fmt(shape)}`,
      inputs: [{ shape }],
      build: (b: Builder, x: Var) => orig.scale(b, x, factor!, bias),
    })),
  ),
  ...[
    [[2, 3], [3], []],
    [[], [2, 1], [1, 3]],
    [[2, 1], [2, 3], [2, 3]],
    [[3], [], []],
  ].map(([cs, xs, ys]) => ({
    name: `where ${fmt(cs!)} ${fmt(xs!)} ${fmt(ys!)}`,
    inputs: [{ shape: cs!, dtype: 'bool' as const, values: 'bool' as const }, { shape: xs! }, { shape: ys! }],
    build: (b: Builder, c: Var, x: Var, y: Var) => orig.where(b, c, x, y),
  })),
  ...(
    [
      [[3], [3], false, false],
      [[2, 3], [3], false, false],
      [[3], [3, 4], false, false],
      [[3], [3, 2], true, false],
      [[2, 3], [3, 4], false, false],
      [[3, 2], [3, 4], true, false],
      [[2, 3], [4, 3], false, true],
      [[3, 2], [4, 3], true, true],
      [[1, 1], [1, 1], false, false],
      [[2, 2, 3], [3, 4], false, false],
      [[2, 1, 2, 3], [3, 3, 4], false, false],
      [[3], [2, 3, 4], false, false],
      [[2, 3, 4], [4], false, false],
      [[5, 3, 2], [5, 3, 4], true, false],
      [[2, 0], [0, 3], false, false],
    ] as const
  ).map(([xs, ys, transX, transY]) => ({
    name: `matmul ${fmt(xs)} ${fmt(ys)}${transX ? ' transX' : ''}${transY ? ' transY' : ''}`,
    inputs: [{ shape: xs }, { shape: ys }],
    build: (b: Builder, x: Var, y: Var) => orig.matmul(b, x, y, { transX, transY }),
  })),
  ...(Object.keys(REDUCTIONS) as (keyof typeof REDUCTIONS)[]).flatMap((type) =>
    (
      [
        [[], null, false],
        [[], null, true],
        [[4], null, false],
        [[4], [0], true],
        [[2, 3, 4], null, true],
        [[2, 3, 4], [0], false],
        [[2, 3, 4], [-1], true],
        [[2, 3, 4], [0, 2], false],
        [[2, 1, 4], [1], false],
        [[2, 3], [], false],
      ] as const
    ).map(([shape, axis, keepdim]) => ({
      name: `${type} ${fmt(shape)} axis ${JSON.stringify(axis)}${keepdim ? ' keepdim' : ''}`,
      inputs: [{ shape }],
      build: (b: Builder, x: Var) => REDUCTIONS[type](b, x, axis, keepdim),
    })),
  ),
  // Small integers give ties of the maximum.
  ...(
    [
      [[3, 4], [1], false],
      [[2, 3, 4], [0, 2], true],
    ] as const
  ).map(([shape, axis, keepdim]) => ({
    name: `reduce_max with ties ${fmt(shape)} axis ${JSON.stringify(axis)}${keepdim ? ' keepdim' : ''}`,
    inputs: [{ shape, values: 'integers' as const }],
    build: (b: Builder, x: Var) => orig.reduceMax(b, x, axis, keepdim),
  })),
  ...(['reduce_max', 'logsumexp'] as const).map((type) => ({
    name: `${type} of large, infinite and NaN rows`,
    inputs: [{ shape: [5, 3], data: EXTREME_ROWS }],
    build: (b: Builder, x: Var) => REDUCTIONS[type](b, x, 1),
  })),
  {
    name: 'logsumexp over an empty axis is -Infinity',
    inputs: [{ shape: [2, 0] }],
    build: (b: Builder, x: Var) => orig.logsumexp(b, x, 1),
  },
  ...(['softmax', 'log_softmax'] as const).flatMap((type) => {
    const fn = type === 'softmax' ? orig.softmax : orig.logSoftmax;
    return [
      ...(
        [
          [[3], -1],
          [[1], 0],
          [[2, 3], 0],
          [[2, 3, 4], 1],
          [[2, 3, 4], -1],
          [[2, 0], 1],
          [[0, 3], 1],
          [[2, 3], null],
          [[2, 3, 4], [0, 2]],
          [[2, 3, 4], [-1, 1]],
          [[2, 3], []],
          [[], null],
          [[2, 0], null],
        ] as const
      ).map(([shape, axis]) => ({
        name: `${type} ${fmt(shape)} axis ${axis === null ? 'all' : Array.isArray(axis) ? fmt(axis) : axis}`,
        inputs: [{ shape }],
        build: (b: Builder, x: Var) => fn(b, x, axis),
      })),
      {
        name: `${type} of large, infinite and NaN rows`,
        inputs: [{ shape: [5, 3], data: EXTREME_ROWS }],
        build: (b: Builder, x: Var) => fn(b, x, 1),
      },
      {
        name: `${type} of large, infinite and NaN columns`,
        inputs: [{ shape: [3, 5], data: EXTREME_COLUMNS }],
        build: (b: Builder, x: Var) => fn(b, x, [0]),
      },
    ];
  }),
  {
    name: 'sigmoid of large and small values',
    inputs: [{ shape: [8], data: [-1000, -40, -1, -0.5, 0, 0.5, 40, 1000] }],
    build: (b: Builder, x: Var) => orig.sigmoid(b, x),
  },
  ...CONCATS.map(({ shapes, axis }) => ({
    name: `concat ${shapes.map(fmt).join(' ')} axis ${axis}`,
    inputs: shapes.map((shape) => ({ shape })),
    build: (b: Builder, ...xs: Var[]) => orig.concat(b, xs, axis),
  })),
  ...SLICES.map(({ shape, axes, starts, ends, steps }) => ({
    name: `slice ${fmt(shape)} axes ${fmt(axes)} from ${JSON.stringify(starts)} to ${JSON.stringify(ends)}${steps ? ` by ${fmt(steps)}` : ''}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.slice(b, x, axes, starts, ends, steps),
  })),
  ...PADS.map(({ shape, before, after, interior }) => ({
    name: `pad ${fmt(shape)} before ${fmt(before)} after ${fmt(after)}${interior ? ` interior ${fmt(interior)}` : ''}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.pad(b, x, before, after, interior),
  })),
  ...(
    [
      [1, [2, 3], null, false],
      [2, [2, 3], null, false],
      [2, [], null, false],
      [2, [2, 3], [1], true],
      [2, [2, 3], [-2], false],
      [3, [2, 3], [1], false],
      [0.5, [2, 3], [0], false],
      [1.5, [2, 1, 3], [0, 2], true],
    ] as const
  ).map(([porder, shape, axis, keepdim]) => ({
    name: `p_norm p=${porder} ${fmt(shape)} axis ${JSON.stringify(axis)}${keepdim ? ' keepdim' : ''}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.pNorm(b, x, porder, axis, keepdim),
  })),
  // Rows of zeros take the guarded branch of p_norm, whose value must still be exactly 0.
  ...[1, 2, 3, 0.5].map((porder) => ({
    name: `p_norm p=${porder} with zero rows`,
    inputs: [{ shape: [3, 2], data: [0, 0, 3, -4, 0, 2] }],
    build: (b: Builder, x: Var) => orig.pNorm(b, x, porder, 1),
  })),
  ...(
    [
      [[2, 3], [3, 2]],
      [[6], [-1, 2]],
      [[], [1]],
      [[1], []],
      [[2, 3], [2, 3]],
      [[2, 0], [0, -1]],
    ] as const
  ).map(([shape, target]) => ({
    name: `reshape ${fmt(shape)} to ${fmt(target)}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.reshape(b, x, target),
  })),
  ...(
    [
      [[2, 3], [1, 0]],
      [[2, 3, 4], [-1, 0, 1]],
      [[2, 3, 4], [0, 1, 2]],
      [[], []],
      [[3], [0]],
    ] as const
  ).map(([shape, perm]) => ({
    name: `transpose ${fmt(shape)} perm ${fmt(perm)}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.transpose(b, x, perm),
  })),
  ...(
    [
      [[3], [2, 3]],
      [[], [2]],
      [[2, 3], [2, 3]],
      [[2, 1], [3, 2, 4]],
      [[], []],
    ] as const
  ).map(([shape, target]) => ({
    name: `broadcast_to ${fmt(shape)} to ${fmt(target)}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.broadcastTo(b, x, target),
  })),
  ...(['float32', 'float64', 'int32', 'bool'] as const).flatMap((to) =>
    [[], [2, 3]].map((shape) => ({
      name: `cast ${fmt(shape)} to ${to}`,
      inputs: [{ shape, values: 'integers' as const }],
      build: (b: Builder, x: Var) => orig.cast(b, x, to),
    })),
  ),
  // fill_constant has no inputs, so the case adds it to x to run it under the case's dtype.
  ...[[], [2, 3]].map((shape) => ({
    name: `fill_constant ${fmt(shape)}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.add(b, x, orig.fillConstant(b, shape, x.dtype, 1.5)),
  })),
  {
    name: 'chain of dense layer, tanh and mean',
    inputs: [{ shape: [4, 3] }, { shape: [3, 2] }, { shape: [2] }],
    build: (b, x, w, bias) => orig.reduceMean(b, orig.tanh(b, orig.add(b, orig.matmul(b, x, w), bias))),
  },
];

// Native ops that also take int32, with the values kept small so that products stay exact.
const int32Cases: Case[] = [
  ...(['add', 'sub', 'mul', 'maximum', 'equal', 'greater_than', 'greater_equal'] as const).flatMap((name) => {
    const fn = BINARY_OPS.find(([type]) => type === name)![1];
    return BROADCAST_PAIRS.slice(0, 5).map(([xs, ys]) => ({
      name: `${name} ${fmt(xs)} ${fmt(ys)}`,
      inputs: [{ shape: xs, values: 'integers' as const }, { shape: ys, values: 'integers' as const }],
      build: fn,
    }));
  }),
  ...UNARY_OPS.filter(([name]) => ['neg', 'abs', 'assign'].includes(name)).map(([name, fn]) => ({
    name: `${name} [2,3]`,
    inputs: [{ shape: [2, 3], values: 'integers' as const }],
    build: fn,
  })),
  {
    name: 'where [2,1] [3] []',
    inputs: [{ shape: [2, 1], dtype: 'bool', values: 'bool' }, { shape: [3], values: 'integers' }, { shape: [], values: 'integers' }],
    build: (b, c, x, y) => orig.where(b, c, x, y),
  },
  ...CONCATS.slice(0, 3).map(({ shapes, axis }) => ({
    name: `concat ${shapes.map(fmt).join(' ')} axis ${axis}`,
    inputs: shapes.map((shape) => ({ shape, values: 'integers' as const })),
    build: (b: Builder, ...xs: Var[]) => orig.concat(b, xs, axis),
  })),
  ...SLICES.slice(4, 7).map(({ shape, axes, starts, ends, steps }) => ({
    name: `slice ${fmt(shape)} axes ${fmt(axes)}`,
    inputs: [{ shape, values: 'integers' as const }],
    build: (b: Builder, x: Var) => orig.slice(b, x, axes, starts, ends, steps),
  })),
  ...PADS.slice(1, 3).map(({ shape, before, after, interior }) => ({
    name: `pad ${fmt(shape)} before ${fmt(before)} after ${fmt(after)}`,
    inputs: [{ shape, values: 'integers' as const }],
    build: (b: Builder, x: Var) => orig.pad(b, x, before, after, interior),
  })),
  {
    name: 'reshape [2,3] to [3,-1]',
    inputs: [{ shape: [2, 3], values: 'integers' }],
    build: (b, x) => orig.reshape(b, x, [3, -1]),
  },
  {
    name: 'transpose [2,3] perm [1,0]',
    inputs: [{ shape: [2, 3], values: 'integers' }],
    build: (b, x) => orig.transpose(b, x, [1, 0]),
  },
  {
    name: 'broadcast_to [3] to [2,3]',
    inputs: [{ shape: [3], values: 'integers' }],
    build: (b, x) => orig.broadcastTo(b, x, [2, 3]),
  },
  ...(['float64', 'bool'] as const).map((to) => ({
    name: `cast [2,3] to ${to}`,
    inputs: [{ shape: [2, 3], values: 'integers' as const }],
    build: (b: Builder, x: Var) => orig.cast(b, x, to),
  })),
];

function isLowered(type: string): boolean {
  const def = registry.opDef(type);
  return def.kind === 'prim' || (def.differentiable === false && !registry.hasRule('orig2prim', type));
}

const table: [Case, DType][] = [
  ...cases.flatMap((testCase) => FLOAT_DTYPES.map((dtype): [Case, DType] => [testCase, dtype])),
  ...int32Cases.map((testCase): [Case, DType] => [testCase, 'int32']),
];

describe('orig2prim then prim2orig matches the native run', () => {
  for (const [testCase, dtype] of table) {
    it(`${testCase.name} ${dtype}`, () => {
      const random = seededRandom(7);
      const feed = new Map<string, NDArray>(testCase.inputs.map((spec, i) => [`x${i}`, makeInput(spec, dtype, random)]));
      const native = buildProgram(testCase.inputs, dtype, testCase.build);
      const [expected] = runOnCpu(native.block, feed, [native.output]);

      const lowered = buildProgram(testCase.inputs, dtype, testCase.build);
      orig2prim(lowered.block, registry);
      const notLowered = lowered.block.ops.map((op) => op.type).filter((type) => !isLowered(type));
      verifyBlock(lowered.block, registry);
      prim2orig(lowered.block, registry);
      verifyBlock(lowered.block, registry);
      const [actual] = runOnCpu(lowered.block, feed, [lowered.output]);

      expect(notLowered).toEqual([]);
      expect(lowered.block.ops.every((op) => registry.opDef(op.type).kind === 'orig')).toBe(true);
      expect(findMismatch(actual!, expected!)).toBeNull();
    });
  }
});

describe('non-differentiable sources', () => {
  it('stay native through orig2prim', () => {
    const { block, output } = buildProgram([{ shape: [2, 3] }], 'float64', (b, x) => {
      const noise = b.emit1('uniform_random', [], { shape: [2, 3], dtype: 'float64', min: -1, max: 1, seed: 3 });
      const gauss = b.emit1('gaussian_random', [], { shape: [3], dtype: 'float64', mean: 0, std: 1, seed: 4 });
      const fixed = b.emit1('assign_value', [], { shape: [3], dtype: 'float64', values: [1, 2, 3] });
      return orig.add(b, orig.add(b, x, noise), orig.mul(b, gauss, fixed));
    });
    const feed = new Map([['x0', makeInput({ shape: [2, 3] }, 'float64', seededRandom(1))]]);
    const [expected] = runOnCpu(block, feed, [output]);

    orig2prim(block, registry);
    const natives = block.ops.filter((op) => registry.opDef(op.type).kind === 'orig').map((op) => op.type);
    prim2orig(block, registry);
    const [actual] = runOnCpu(block, feed, [output]);

    expect(natives).toEqual(['uniform_random', 'gaussian_random', 'assign_value']);
    expect(findMismatch(actual!, expected!)).toBeNull();
  });
});

interface ClosedFormCase {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly build: (b: Builder, ...inputs: Var[]) => Var;
  readonly shape: number[];
  readonly expected: number[];
}

const closedFormCases: ClosedFormCase[] = [
  {
    // [[1,2],[3,4]]ᵀ @ [1,1] = [1+3, 2+4]
    name: 'matmul transX with rank-1 y',
    inputs: [{ shape: [2, 2], data: [1, 2, 3, 4] }, { shape: [2], data: [1, 1] }],
    build: (b, x, y) => orig.matmul(b, x, y, { transX: true }),
    shape: [2],
    expected: [4, 6],
  },
  {
    // [1,1] @ [[1,2],[3,4]]ᵀ = [1+2, 3+4]
    name: 'matmul rank-1 x with transY',
    inputs: [{ shape: [2], data: [1, 1] }, { shape: [2, 2], data: [1, 2, 3, 4] }],
    build: (b, x, y) => orig.matmul(b, x, y, { transY: true }),
    shape: [2],
    expected: [3, 7],
  },
  {
    name: 'matmul of two rank-1 vectors',
    inputs: [{ shape: [3], data: [1, 2, 3] }, { shape: [3], data: [4, 5, 6] }],
    build: (b, x, y) => orig.matmul(b, x, y),
    shape: [],
    expected: [32],
  },
  {
    name: 'p_norm porder 2 of [3,-4]',
    inputs: [{ shape: [2], data: [3, -4] }],
    build: (b, x) => orig.pNorm(b, x, 2),
    shape: [],
    expected: [5],
  },
  {
    name: 'p_norm porder 1 of [3,-4]',
    inputs: [{ shape: [2], data: [3, -4] }],
    build: (b, x) => orig.pNorm(b, x, 1),
    shape: [],
    expected: [7],
  },
  {
    name: 'p_norm porder 3 of [1,-2,2]',
    inputs: [{ shape: [3], data: [1, -2, 2] }],
    build: (b, x) => orig.pNorm(b, x, 3, null, true),
    shape: [1],
    expected: [Math.cbrt(17)],
  },
  {
    name: 'reduce_mean over axis 1',
    inputs: [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 9] }],
    build: (b, x) => orig.reduceMean(b, x, 1),
    shape: [2],
    expected: [2, 6],
  },
  {
    name: 'scale 2 bias -1',
    inputs: [{ shape: [2], data: [0, 1.5] }],
    build: (b, x) => orig.scale(b, x, 2, -1),
    shape: [2],
    expected: [-1, 2],
  },
  {
    // Shifting by 1000 changes nothing: softmax([1000, 1001, 1002]) = [1, e, e²] / (1 + e + e²).
    name: 'softmax of large values',
    inputs: [{ shape: [3], data: [1000, 1001, 1002] }],
    build: (b, x) => orig.softmax(b, x),
    shape: [3],
    expected: [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2)),
  },
  {
    name: 'log_softmax of large values',
    inputs: [{ shape: [3], data: [1000, 1001, 1002] }],
    build: (b, x) => orig.logSoftmax(b, x),
    shape: [3],
    expected: [0, 1, 2].map((v) => v - Math.log(1 + Math.E + Math.E ** 2)),
  },
  {
    name: 'softmax along axis 0 with a -Infinity element',
    inputs: [{ shape: [2, 2], data: [-Infinity, 0, 0, 0] }],
    build: (b, x) => orig.softmax(b, x, 0),
    shape: [2, 2],
    expected: [0, 0.5, 1, 0.5],
  },
  {
    name: 'softmax over every axis',
    inputs: [{ shape: [2, 2], data: [0, Math.log(2), Math.log(3), Math.log(4)] }],
    build: (b, x) => orig.softmax(b, x, null),
    shape: [2, 2],
    expected: [0.1, 0.2, 0.3, 0.4],
  },
  {
    name: 'log_softmax over a list of axes',
    inputs: [{ shape: [2, 1, 2], data: [0, Math.log(2), Math.log(3), Math.log(4)] }],
    build: (b, x) => orig.logSoftmax(b, x, [0, -1]),
    shape: [2, 1, 2],
    expected: [0.1, 0.2, 0.3, 0.4].map(Math.log),
  },
  {
    // A row of only -Infinity is NaN, as in numpy and PyTorch; the other row is unaffected.
    name: 'softmax and log_softmax of a fully masked row',
    inputs: [{ shape: [2, 2], data: [-Infinity, -Infinity, 0, Math.log(3)] }],
    build: (b, x) => orig.concat(b, [orig.softmax(b, x), orig.logSoftmax(b, x)], 0),
    shape: [4, 2],
    expected: [NaN, NaN, 0.25, 0.75, NaN, NaN, Math.log(0.25), Math.log(0.75)],
  },
  {
    name: 'logsumexp of large values',
    inputs: [{ shape: [3], data: [1000, 1001, 1002] }],
    build: (b, x) => orig.logsumexp(b, x),
    shape: [],
    expected: [1002 + Math.log(1 + Math.exp(-1) + Math.exp(-2))],
  },
  {
    name: 'logsumexp of rows with -Infinity elements',
    inputs: [{ shape: [2, 3], data: [-Infinity, 0, Math.log(3), -Infinity, -Infinity, -Infinity] }],
    build: (b, x) => orig.logsumexp(b, x, 1, true),
    shape: [2, 1],
    expected: [Math.log(4), -Infinity],
  },
  {
    name: 'sigmoid of large and small values',
    inputs: [{ shape: [4], data: [-1000, 0, 1000, 2] }],
    build: (b, x) => orig.sigmoid(b, x),
    shape: [4],
    expected: [0, 0.5, 1, 1 / (1 + Math.exp(-2))],
  },
  {
    name: 'relu',
    inputs: [{ shape: [3], data: [-1, 0, 2.5] }],
    build: (b, x) => orig.relu(b, x),
    shape: [3],
    expected: [0, 0, 2.5],
  },
  {
    name: 'reduce_max over axis 1 with a tie',
    inputs: [{ shape: [2, 3], data: [1, 5, 3, 7, 2, 7] }],
    build: (b, x) => orig.reduceMax(b, x, 1),
    shape: [2],
    expected: [5, 7],
  },
  {
    name: 'concat along axis 1',
    inputs: [{ shape: [2, 2], data: [1, 2, 3, 4] }, { shape: [2, 1], data: [5, 6] }],
    build: (b, x, y) => orig.concat(b, [x, y], 1),
    shape: [2, 3],
    expected: [1, 2, 5, 3, 4, 6],
  },
  {
    name: 'slice from a negative start with a step',
    inputs: [{ shape: [6], data: [0, 1, 2, 3, 4, 5] }],
    build: (b, x) => orig.slice(b, x, [0], [-5], [null], [2]),
    shape: [3],
    expected: [1, 3, 5],
  },
  {
    name: 'pad with interior zeros',
    inputs: [{ shape: [2], data: [1, 2] }],
    build: (b, x) => orig.pad(b, x, [1], [2], [1]),
    shape: [6],
    expected: [0, 1, 0, 2, 0, 0],
  },
  {
    name: 'sub of a column and a row',
    inputs: [{ shape: [2, 1], data: [1, 2] }, { shape: [2], data: [10, 20] }],
    build: (b, x, y) => orig.sub(b, x, y),
    shape: [2, 2],
    expected: [-9, -19, -8, -18],
  },
];

describe('lowered programs against closed-form values', () => {
  for (const { name, inputs, build, shape, expected } of closedFormCases) {
    it(name, () => {
      const program = buildProgram(inputs, 'float64', build);
      orig2prim(program.block, registry);
      prim2orig(program.block, registry);
      const feed = new Map(inputs.map((spec, i) => [`x${i}`, makeInput(spec, 'float64', seededRandom(0))]));

      const [actual] = runOnCpu(program.block, feed, [program.output]);

      expect(findMismatch(actual!, NDArray.from(Float64Array.from(expected), 'float64', shape))).toBeNull();
    });
  }
});
