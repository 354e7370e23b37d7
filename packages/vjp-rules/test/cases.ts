import type { Builder, Var } from '@primgrad/ir';
import * as orig from '@primgrad/orig-ops';
import { awayFromZero, uniform, type Sampler } from '@primgrad/testing';
import { fmt, type GradCase, type InputSpec } from './harness.js';

const POSITIVE = uniform(0.5, 2);
const NONZERO = awayFromZero(0.3, 1.5);
/** Small integers, so that maximum meets ties. */
const SMALL_INTEGERS: Sampler = (rng) => Math.floor(rng() * 3) - 1;
const BOOL: InputSpec['dtype'] = 'bool';

/** Pairs of operand shapes covering 0-d, size-1 dims, broadcasting on either side and an empty dim. */
const BROADCAST_PAIRS: readonly [number[], number[]][] = [
  [[], []],
  [[3], [3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 3]],
  [[], [2, 3]],
  [[2, 3], []],
  [[1], [4]],
  [[4, 1, 3], [2, 1]],
  [[0, 3], [1, 3]],
];

const BINARY: readonly [string, (b: Builder, x: Var, y: Var) => Var, Sampler | undefined, Sampler | undefined][] = [
  ['add', orig.add, undefined, undefined],
  ['sub', orig.sub, undefined, undefined],
  ['mul', orig.mul, undefined, undefined],
  ['div', orig.div, undefined, NONZERO],
  ['pow', orig.pow, POSITIVE, undefined],
  ['maximum', orig.maximum, undefined, undefined],
];

const UNARY: readonly [string, (b: Builder, x: Var) => Var, Sampler | undefined][] = [
  ['neg', orig.neg, undefined],
  ['exp', orig.exp, undefined],
  ['log', orig.log, POSITIVE],
  ['tanh', orig.tanh, undefined],
  ['sqrt', orig.sqrt, POSITIVE],
  ['sin', orig.sin, undefined],
  ['cos', orig.cos, undefined],
  ['abs', orig.abs, NONZERO],
  ['sigmoid', orig.sigmoid, uniform(-4, 4)],
  ['relu', orig.relu, NONZERO],
  ['assign', orig.assign, undefined],
];

const UNARY_SHAPES: readonly number[][] = [[], [1], [2, 3]];

interface MatmulCase {
  readonly x: number[];
  readonly y: number[];
  readonly transX?: boolean;
  readonly transY?: boolean;
}

const MATMULS: readonly MatmulCase[] = [
  { x: [3], y: [3] },
  { x: [2, 3], y: [3] },
  { x: [3], y: [3, 4] },
  { x: [2, 3], y: [3, 4] },
  { x: [1, 1], y: [1, 1] },
  { x: [3, 2], y: [3, 4], transX: true },
  { x: [2, 3], y: [4, 3], transY: true },
  { x: [3, 2], y: [4, 3], transX: true, transY: true },
  { x: [2, 2, 3], y: [3, 4] },
  { x: [2, 1, 2, 3], y: [3, 3, 4] },
  { x: [3], y: [2, 3, 4] },
  { x: [2, 2, 3], y: [3] },
  { x: [2, 3, 2], y: [1, 3, 4], transX: true },
  { x: [3], y: [2, 4, 3], transY: true },
  { x: [2, 1, 3, 2], y: [3, 4, 3], transX: true, transY: true },
  // matmul ignores the transpose flag of a rank-1 operand.
  { x: [3], y: [3, 4], transX: true },
  { x: [2, 3], y: [3], transY: true },
];

const REDUCTIONS: readonly [number[], number[] | null, boolean][] = [
  [[2, 3, 4], null, false],
  [[2, 3, 4], null, true],
  [[2, 3, 4], [1], false],
  [[2, 3, 4], [0, 2], true],
  [[2, 3, 4], [-1], false],
  [[], null, false],
  [[1], [0], false],
  [[3], [], false],
];

const REDUCERS = {
  reduce_sum: orig.reduceSum,
  reduce_mean: orig.reduceMean,
  reduce_max: orig.reduceMax,
  logsumexp: orig.logsumexp,
} as const;

const SOFTMAXES: readonly [number[], number | number[] | null][] = [
  [[3], -1],
  [[1], 0],
  [[2, 3], 0],
  [[2, 3, 4], 1],
  [[2, 3], null],
  [[2, 3, 4], [0, 2]],
  [[2, 3, 4], [-1, 1]],
  [[], null],
];

/** Values near 1000, where exp overflows unless the op subtracts the maximum first. */
const LARGE = uniform(999, 1001);

const CONCATS: readonly [number[][], number][] = [
  [[[2, 3], [2, 1], [2, 2]], 1],
  [[[1, 3], [2, 3]], 0],
  [[[3]], 0],
  [[[2, 0], [2, 3]], -1],
];

const SLICES: readonly [number[], number[], (number | null)[], (number | null)[], number[] | undefined][] = [
  [[5], [0], [1], [4], undefined],
  [[5], [0], [-4], [null], [2]],
  [[2, 3, 4], [2, 0], [1, 1], [null, 2], [2, 1]],
  [[3, 4], [1], [3], [1], undefined],
  [[2, 3], [], [], [], undefined],
];

const PADS: readonly [number[], number[], number[], number[] | undefined][] = [
  [[3], [1], [2], undefined],
  [[2, 3], [1, 0], [0, 2], [1, 2]],
  [[], [], [], undefined],
  [[0, 2], [1, 0], [0, 1], [0, 1]],
];

const P_NORMS: readonly [number, number[], number[] | null, boolean][] = [
  [2, [2, 3], null, false],
  [2, [2, 3], [1], false],
  [2, [2, 3, 4], [0, 2], true],
  [2, [], null, false],
  [1, [2, 3], [-1], false],
  [3, [2, 3], [0], true],
  [0.5, [2, 3], null, false],
  [1.5, [2, 3, 4], [1], false],
];

const RESHAPES: readonly [number[], number[]][] = [
  [[2, 3], [3, 2]],
  [[6], [1, 2, 3]],
  [[], [1]],
  [[2, 3], [-1]],
];

const TRANSPOSES: readonly [number[], number[]][] = [
  [[2, 3, 4], [2, 0, 1]],
  [[2, 3, 4], [1, 0, 2]],
  [[2, 3, 4], [-1, 0, 1]],
  [[2, 3], [1, 0]],
  [[], []],
];

const BROADCASTS: readonly [number[], number[]][] = [
  [[3], [2, 3]],
  [[], [2, 2]],
  [[2, 1], [2, 3]],
  [[1, 3], [4, 1, 3]],
  [[2, 3], [2, 3]],
];

const WHERES: readonly [number[], number[], number[]][] = [
  [[2, 3], [3], []],
  [[3], [2, 1], [1, 3]],
  [[], [2], [2]],
  [[2, 1], [1, 3], [2, 3]],
];

const axisName = (axis: number[] | null): string => (axis === null ? 'all' : fmt(axis));

/** Every differentiable native op over 0-d, size-1, broadcast and empty shapes, in float64. */
export const gradCases: readonly GradCase[] = [
  ...BINARY.flatMap(([name, fn, xs, ys]) =>
    BROADCAST_PAIRS.map(([x, y]) => ({
      name: `${name} ${fmt(x)} ${fmt(y)}`,
      inputs: [
        { shape: x, sampler: xs },
        { shape: y, sampler: ys },
      ],
      build: fn,
    })),
  ),
  ...UNARY.flatMap(([name, fn, sampler]) =>
    UNARY_SHAPES.map((shape) => ({ name: `${name} ${fmt(shape)}`, inputs: [{ shape, sampler }], build: fn })),
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
  ...WHERES.map(([c, x, y]) => ({
    name: `where ${fmt(c)} ${fmt(x)} ${fmt(y)}`,
    inputs: [{ shape: c, dtype: BOOL }, { shape: x }, { shape: y }],
    build: orig.where,
  })),
  ...MATMULS.map(({ x, y, transX = false, transY = false }) => ({
    name: `matmul ${fmt(x)}${transX ? 'ᵀ' : ''} ${fmt(y)}${transY ? 'ᵀ' : ''}`,
    inputs: [{ shape: x }, { shape: y }],
    build: (b: Builder, xv: Var, yv: Var) => orig.matmul(b, xv, yv, { transX, transY }),
  })),
  ...(Object.keys(REDUCERS) as (keyof typeof REDUCERS)[]).flatMap((op) =>
    REDUCTIONS.map(([shape, axis, keepdim]) => ({
      name: `${op} ${fmt(shape)} axis ${axisName(axis)}${keepdim ? ' keepdim' : ''}`,
      inputs: [{ shape }],
      build: (b: Builder, x: Var) => REDUCERS[op](b, x, axis, keepdim),
    })),
  ),
  {
    name: 'logsumexp of large values',
    inputs: [{ shape: [2, 3], sampler: LARGE }],
    build: (b: Builder, x: Var) => orig.logsumexp(b, x, 1),
  },
  {
    // The -Infinity column adds exp(-Infinity) = 0 to each sum, and gets a cotangent of 0.
    name: 'logsumexp with a -Infinity column',
    inputs: [{ shape: [2, 3] }],
    build: (b: Builder, x: Var) => orig.logsumexp(b, orig.concat(b, [x, orig.fillConstant(b, [2, 1], 'float64', -Infinity)], 1), 1),
  },
  ...(['softmax', 'log_softmax'] as const).flatMap((op) => {
    const fn = op === 'softmax' ? orig.softmax : orig.logSoftmax;
    return [
      ...SOFTMAXES.map(([shape, axis]) => ({
        name: `${op} ${fmt(shape)} axis ${Array.isArray(axis) ? fmt(axis) : axis === null ? 'all' : axis}`,
        inputs: [{ shape }],
        build: (b: Builder, x: Var) => fn(b, x, axis),
      })),
      {
        name: `${op} of large values`,
        inputs: [{ shape: [2, 3], sampler: LARGE }],
        build: (b: Builder, x: Var) => fn(b, x, -1),
      },
    ];
  }),
  {
    name: 'softmax with a -Infinity column',
    inputs: [{ shape: [2, 3] }],
    build: (b: Builder, x: Var) => orig.softmax(b, orig.concat(b, [orig.fillConstant(b, [2, 1], 'float64', -Infinity), x], 1)),
  },
  {
    name: 'sigmoid of large magnitudes',
    inputs: [{ shape: [2, 3], sampler: awayFromZero(30, 800) }],
    build: orig.sigmoid,
  },
  ...CONCATS.map(([shapes, axis]) => ({
    name: `concat ${shapes.map(fmt).join(' ')} axis ${axis}`,
    inputs: shapes.map((shape) => ({ shape })),
    build: (b: Builder, ...xs: Var[]) => orig.concat(b, xs, axis),
  })),
  {
    name: 'concat of a float input and a constant',
    inputs: [{ shape: [2] }],
    build: (b: Builder, x: Var) => orig.concat(b, [orig.fillConstant(b, [3], 'float64', 2), x]),
  },
  ...SLICES.map(([shape, axes, starts, ends, steps]) => ({
    name: `slice ${fmt(shape)} axes ${fmt(axes)} from ${JSON.stringify(starts)} to ${JSON.stringify(ends)}${steps ? ` by ${fmt(steps)}` : ''}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.slice(b, x, axes, starts, ends, steps),
  })),
  ...PADS.map(([shape, before, after, interior]) => ({
    name: `pad ${fmt(shape)} before ${fmt(before)} after ${fmt(after)}${interior ? ` interior ${fmt(interior)}` : ''}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.pad(b, x, before, after, interior),
  })),
  ...P_NORMS.map(([p, shape, axis, keepdim]) => ({
    name: `p_norm p=${p} ${fmt(shape)} axis ${axisName(axis)}${keepdim ? ' keepdim' : ''}`,
    inputs: [{ shape, sampler: NONZERO }],
    build: (b: Builder, x: Var) => orig.pNorm(b, x, p, axis, keepdim),
  })),
  ...RESHAPES.map(([from, to]) => ({
    name: `reshape ${fmt(from)} to ${fmt(to)}`,
    inputs: [{ shape: from }],
    build: (b: Builder, x: Var) => orig.reshape(b, x, to),
  })),
  ...TRANSPOSES.map(([shape, perm]) => ({
    name: `transpose ${fmt(shape)} perm ${fmt(perm)}`,
    inputs: [{ shape }],
    build: (b: Builder, x: Var) => orig.transpose(b, x, perm),
  })),
  ...BROADCASTS.map(([from, to]) => ({
    name: `broadcast_to ${fmt(from)} to ${fmt(to)}`,
    inputs: [{ shape: from }],
    build: (b: Builder, x: Var) => orig.broadcastTo(b, x, to),
  })),
  {
    name: 'cast float64 to float64',
    inputs: [{ shape: [2, 3] }],
    build: (b: Builder, x: Var) => orig.cast(b, x, 'float64'),
  },
  {
    name: 'mul by fill_constant',
    inputs: [{ shape: [2, 3] }],
    build: (b: Builder, x: Var) => orig.mul(b, x, orig.fillConstant(b, [3], 'float64', 1.5)),
  },
  {
    // A chain, so cotangents of a var read twice are summed and every rule meets vars it did not create.
    name: 'two-layer tanh network',
    inputs: [{ shape: [4, 3] }, { shape: [3, 2] }, { shape: [2] }, { shape: [2, 1] }],
    build: (b: Builder, x: Var, w1: Var, b1: Var, w2: Var) => {
      const hidden = orig.tanh(b, orig.add(b, orig.matmul(b, x, w1), b1));
      const out = orig.matmul(b, orig.mul(b, hidden, hidden), w2);
      return orig.reduceMean(b, orig.maximum(b, out, orig.sin(b, out)), null);
    },
  },
];

/**
 * Cases at ties and kinks, where finite differences are undefined but both mechanisms must pick
 * the same derivative: an even split among tied maxima, and 0 for relu at 0.
 */
export const tieCases: readonly GradCase[] = [
  ...BROADCAST_PAIRS.map(([x, y]) => ({
    name: `maximum ties ${fmt(x)} ${fmt(y)}`,
    inputs: [
      { shape: x, sampler: SMALL_INTEGERS },
      { shape: y, sampler: SMALL_INTEGERS },
    ],
    build: orig.maximum,
  })),
  ...(
    [
      [[3, 4], [1], false],
      [[2, 3], null, false],
      [[2, 3, 4], [0, 2], true],
    ] as const
  ).map(([shape, axis, keepdim]) => ({
    name: `reduce_max ties ${fmt(shape)} axis ${axisName(axis === null ? null : [...axis])}${keepdim ? ' keepdim' : ''}`,
    inputs: [{ shape, sampler: SMALL_INTEGERS }],
    build: (b: Builder, x: Var) => orig.reduceMax(b, x, axis, keepdim),
  })),
  {
    name: 'relu at 0',
    inputs: [{ shape: [3, 4], sampler: SMALL_INTEGERS }],
    build: orig.relu,
  },
];

/**
 * Adds to x a constant [2, 3] mask whose row 0 is -Infinity, as an attention mask over padding
 * does. That row is then masked out fully: softmax and log_softmax give NaN there, logsumexp -Infinity.
 */
function maskRow0(b: Builder, x: Var): Var {
  const mask = orig.concat(b, [orig.fillConstant(b, [1, 3], 'float64', -Infinity), orig.fillConstant(b, [1, 3], 'float64', 0)], 0);
  return orig.add(b, x, mask);
}

/**
 * Cases with a fully masked row, where the op's result is a constant (NaN or -Infinity) and both
 * mechanisms must give that row a cotangent of 0. Finite differences of a NaN result are NaN, so
 * only the mechanism comparison runs them.
 */
export const maskedCases: readonly GradCase[] = [
  { name: 'logsumexp with a masked row', inputs: [{ shape: [2, 3] }], build: (b: Builder, x: Var) => orig.logsumexp(b, maskRow0(b, x), 1) },
  { name: 'logsumexp keepdim with a masked row', inputs: [{ shape: [2, 3] }], build: (b: Builder, x: Var) => orig.logsumexp(b, maskRow0(b, x), [1], true) },
  { name: 'softmax with a masked row', inputs: [{ shape: [2, 3] }], build: (b: Builder, x: Var) => orig.softmax(b, maskRow0(b, x)) },
  { name: 'log_softmax with a masked row', inputs: [{ shape: [2, 3] }], build: (b: Builder, x: Var) => orig.logSoftmax(b, maskRow0(b, x), [1]) },
  {
    name: 'softmax over every axis of a masked tensor',
    inputs: [{ shape: [1, 3] }],
    build: (b: Builder, x: Var) => orig.softmax(b, orig.add(b, x, orig.fillConstant(b, [1, 3], 'float64', -Infinity)), null),
  },
];

/** Inputs far from 0, where a derivative computed as y (1 - y) or exp(x - logsumexp(x)) loses digits. */
export const largeCases: readonly GradCase[] = [
  { name: 'sigmoid far from 0', inputs: [{ shape: [2, 6], sampler: awayFromZero(15, 700) }], build: orig.sigmoid },
  { name: 'logsumexp near 1000', inputs: [{ shape: [2, 3], sampler: LARGE }], build: (b: Builder, x: Var) => orig.logsumexp(b, x, 1) },
  { name: 'logsumexp near -1000', inputs: [{ shape: [2, 3], sampler: uniform(-1001, -999) }], build: (b: Builder, x: Var) => orig.logsumexp(b, x, null) },
  { name: 'logsumexp near 1e6', inputs: [{ shape: [2, 3], sampler: uniform(1e6 - 1, 1e6 + 1) }], build: (b: Builder, x: Var) => orig.logsumexp(b, x, 1) },
];
