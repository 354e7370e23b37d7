/**
 * @file Native (orig) op definitions and typed builder functions. Native ops are what users
 * write programs with and what backends have kernels for. Elementwise binary ops broadcast
 * their operands the numpy way.
 */
import {
  OpArgumentError,
  PLUGIN_CONTRACT_VERSION,
  ShapeError,
  binaryOpDef,
  boolAttr,
  unaryOpDef,
  type ElementwiseOptions,
  broadcastShapes,
  floatScalarAttr,
  formatShape,
  formatValue,
  inferBroadcast,
  intListAttr,
  isDType,
  normalizeAxes,
  normalizeAxis,
  numel,
  requireFloat,
  sameDType,
  shapeAttr,
  shapesEqual,
  type Builder,
  type DType,
  type OpDef,
  type Plugin,
  type Shape,
  type TensorType,
  type Var,
} from '@primgrad/ir';
import { concatDef } from './concat.js';
import { padDef } from './pad.js';
import { sliceDef } from './slice.js';

export const PACKAGE_NAME = '@primgrad/orig-ops';

const unary = (type: string, doc: string, options: ElementwiseOptions = {}): OpDef => unaryOpDef('orig', type, doc, options);
const binary = (type: string, doc: string): OpDef => binaryOpDef('orig', type, doc);
const compare = (type: string, doc: string): OpDef => binaryOpDef('orig', type, doc, { compare: true });

export const addDef = binary('add', 'x + y, broadcasting');
export const subDef = binary('sub', 'x - y, broadcasting');
export const mulDef = binary('mul', 'x * y, broadcasting');
export const divDef = binary('div', 'x / y, broadcasting');
export const powDef = binary('pow', 'x ** y, broadcasting');
export const maximumDef = binary('maximum', 'elementwise maximum, broadcasting');
export const equalDef = compare('equal', 'x == y, broadcasting, as bool');
export const greaterThanDef = compare('greater_than', 'x > y, broadcasting, as bool');
export const greaterEqualDef = compare('greater_equal', 'x >= y, broadcasting, as bool');

export const negDef = unary('neg', '-x', { floatOnly: false });
export const expDef = unary('exp', 'e ** x');
export const logDef = unary('log', 'natural logarithm');
export const tanhDef = unary('tanh', 'hyperbolic tangent');
export const sqrtDef = unary('sqrt', 'square root');
export const sinDef = unary('sin', 'sine');
export const cosDef = unary('cos', 'cosine');
export const absDef = unary('abs', '|x|', { floatOnly: false });
export const sigmoidDef = unary('sigmoid', 'logistic sigmoid 1 / (1 + e ** -x)');
export const reluDef = unary('relu', 'x where x > 0, else 0; the derivative at 0 is 0');
export const assignDef = unary('assign', 'a copy of x; with an existing output var, writes x into it', { floatOnly: false });

export const scaleDef: OpDef<{ scale: number; bias: number }> = {
  type: 'scale',
  kind: 'orig',
  inputs: ['x'],
  doc: 'scale * x + bias, with scalar attrs',
  infer([x], attrs) {
    floatScalarAttr('scale', attrs, 'scale', 1);
    floatScalarAttr('scale', attrs, 'bias', 0);
    requireFloat('scale', x!);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
};

export const whereDef: OpDef = {
  type: 'where',
  kind: 'orig',
  inputs: ['condition', 'x', 'y'],
  doc: 'x where condition is true, else y; the three broadcast together',
  infer([c, x, y]) {
    if (c!.dtype !== 'bool') throw new OpArgumentError('where', `condition must be bool, got ${c!.dtype}.`);
    const t = inferBroadcast('where', [x!, y!], ['x', 'y']);
    const shape = broadcastShapes(c!.shape, t.shape);
    if (!shape) throw new ShapeError('where', 'condition, x and y do not broadcast together', [c!.shape, x!.shape, y!.shape]);
    return [{ shape, dtype: t.dtype }];
  },
};

/** Shapes after numpy matmul promotion: a rank-1 x is a row, a rank-1 y a column, batch dims broadcast. */
export function matmulShapes(x: Shape, y: Shape, transX: boolean, transY: boolean): {
  out: number[];
  m: number;
  k: number;
  n: number;
  batch: number[];
} {
  if (x.length === 0 || y.length === 0) {
    throw new ShapeError('matmul', 'x and y must have rank 1 or more', [x, y]);
  }
  const xm = x.length === 1 ? [1, x[0]!] : [...x];
  const ym = y.length === 1 ? [y[0]!, 1] : [...y];
  if (transX && x.length >= 2) [xm[xm.length - 2], xm[xm.length - 1]] = [xm[xm.length - 1]!, xm[xm.length - 2]!];
  if (transY && y.length >= 2) [ym[ym.length - 2], ym[ym.length - 1]] = [ym[ym.length - 1]!, ym[ym.length - 2]!];
  const m = xm[xm.length - 2]!;
  const k = xm[xm.length - 1]!;
  const k2 = ym[ym.length - 2]!;
  const n = ym[ym.length - 1]!;
  if (k !== k2) {
    throw new ShapeError(
      'matmul',
      `inner dims differ: x${transX ? 'ᵀ' : ''} has ${k} columns, y${transY ? 'ᵀ' : ''} has ${k2} rows`,
      [x, y],
    );
  }
  const batch = broadcastShapes(xm.slice(0, -2), ym.slice(0, -2));
  if (!batch) throw new ShapeError('matmul', 'batch dims do not broadcast', [x, y]);
  const out = [...batch];
  if (x.length > 1) out.push(m);
  if (y.length > 1) out.push(n);
  return { out, m, k, n, batch };
}

export const matmulDef: OpDef<{ transX: boolean; transY: boolean }> = {
  type: 'matmul',
  kind: 'orig',
  inputs: ['x', 'y'],
  doc: 'numpy matmul, with optional transposes of the last two dims of x and y',
  infer([x, y], attrs) {
    const dtype = sameDType('matmul', [x!, y!], ['x', 'y']);
    requireFloat('matmul', x!);
    const { out } = matmulShapes(x!.shape, y!.shape, boolAttr('matmul', attrs, 'transX', false), boolAttr('matmul', attrs, 'transY', false));
    return [{ shape: out, dtype }];
  },
};

/** Reads an `axis` attr that is null (every axis) or a list of axes; returns sorted axes. */
export function reductionAxes(op: string, attrs: Readonly<Record<string, unknown>>, shape: Shape): number[] {
  const axis = attrs.axis ?? null;
  if (axis === null) return shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : intListAttr(op, attrs, 'axis');
  return normalizeAxes(op, list, shape.length, shape);
}

function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

function reduction(type: string, doc: string): OpDef<{ axis: number | number[] | null; keepdim: boolean }> {
  return {
    type,
    kind: 'orig',
    inputs: ['x'],
    doc,
    infer([x], attrs) {
      requireFloat(type, x!);
      const axes = reductionAxes(type, attrs, x!.shape);
      return [{ shape: reducedShape(x!.shape, axes, boolAttr(type, attrs, 'keepdim', false)), dtype: x!.dtype }];
    },
  };
}

export const reduceSumDef = reduction('reduce_sum', 'sum over axis (null: every axis)');
export const reduceMeanDef = reduction('reduce_mean', 'mean over axis (null: every axis)');
export const logsumexpDef = reduction('logsumexp', 'log(sum(exp(x))) over axis (null: every axis), shifted by the maximum so it cannot overflow');

/**
 * Throws unless every axis in `axes` has elements: a maximum over no elements has no value
 * (numpy and PyTorch reject it too).
 */
export function requireNonEmptyAxes(op: string, shape: Shape, axes: readonly number[]): void {
  const empty = axes.find((a) => shape[a] === 0);
  if (empty !== undefined) {
    throw new ShapeError(op, `axis ${empty} has size 0, and the maximum of no elements is undefined; reduce over non-empty axes only`, [shape]);
  }
}

export const reduceMaxDef: OpDef<{ axis: number | number[] | null; keepdim: boolean }> = {
  type: 'reduce_max',
  kind: 'orig',
  inputs: ['x'],
  doc: 'maximum over axis (null: every axis); NaN propagates, and tied maxima share the derivative evenly',
  infer([x], attrs) {
    requireFloat('reduce_max', x!);
    const axes = reductionAxes('reduce_max', attrs, x!.shape);
    requireNonEmptyAxes('reduce_max', x!.shape, axes);
    return [{ shape: reducedShape(x!.shape, axes, boolAttr('reduce_max', attrs, 'keepdim', false)), dtype: x!.dtype }];
  },
};

/**
 * Reads the `axis` attr of softmax and log_softmax: absent means the last axis, null every axis
 * (as for the reductions), and an integer or a list of integers those axes. Returns the axes
 * sorted and non-negative.
 */
export function softmaxAxes(op: string, attrs: Readonly<Record<string, unknown>>, shape: Shape): number[] {
  const axis = attrs.axis;
  if (axis === null) return shape.map((_, i) => i);
  if (Array.isArray(axis)) return normalizeAxes(op, intListAttr(op, attrs, 'axis'), shape.length, shape);
  if (axis !== undefined && !Number.isInteger(axis)) {
    throw new OpArgumentError(op, `attr 'axis' must be an integer, a list of integers or null (every axis), got ${formatValue(axis)}.`);
  }
  const single = (axis as number | undefined) ?? -1;
  const normalized = normalizeAxis(single, shape.length);
  if (normalized === null) {
    const hint = shape.length === 0 ? '; x needs rank 1 or more, or axis null' : '';
    throw new ShapeError(op, `axis ${single} is out of range for rank ${shape.length}${hint}`, [shape]);
  }
  return [normalized];
}

function softmaxLike(type: string, doc: string): OpDef<{ axis?: number | number[] | null }> {
  return {
    type,
    kind: 'orig',
    inputs: ['x'],
    doc,
    infer([x], attrs) {
      requireFloat(type, x!);
      softmaxAxes(type, attrs, x!.shape);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
  };
}

export const softmaxDef = softmaxLike(
  'softmax',
  'exp(x) / sum(exp(x)) over attr axis (the last axis by default, every axis when null, or a list of axes), shifted by the maximum so it cannot overflow',
);
export const logSoftmaxDef = softmaxLike(
  'log_softmax',
  'x - logsumexp(x) over attr axis (the last axis by default, every axis when null, or a list of axes), shifted by the maximum so it cannot overflow',
);

export const pNormDef: OpDef<{ porder: number; axis: number | number[] | null; keepdim: boolean }> = {
  type: 'p_norm',
  kind: 'orig',
  inputs: ['x'],
  doc: '(sum |x|^porder)^(1/porder) over axis (null: every element); porder is a positive finite number',
  infer([x], attrs) {
    requireFloat('p_norm', x!);
    const p = floatScalarAttr('p_norm', attrs, 'porder', 2);
    if (!(p > 0) || !Number.isFinite(p)) {
      throw new OpArgumentError('p_norm', `attr 'porder' must be a positive finite number, got ${p}.`);
    }
    const axes = reductionAxes('p_norm', attrs, x!.shape);
    return [{ shape: reducedShape(x!.shape, axes, boolAttr('p_norm', attrs, 'keepdim', false)), dtype: x!.dtype }];
  },
};

/** Resolves a reshape target with at most one -1 (inferred) dim. */
export function resolveReshape(from: Shape, to: readonly number[]): number[] {
  const unknown = to.filter((d) => d === -1).length;
  if (unknown > 1 || to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError('reshape', `target ${formatShape(to)} may hold at most one -1 and otherwise non-negative dims`, [from]);
  }
  const known = to.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const size = numel(from);
  const out = to.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (numel(out) !== size || out.some((d) => !Number.isInteger(d))) {
    throw new ShapeError('reshape', `cannot reshape ${size} elements to ${formatShape(to)}`, [from]);
  }
  return out;
}

export const reshapeDef: OpDef<{ shape: number[] }> = {
  type: 'reshape',
  kind: 'orig',
  inputs: ['x'],
  doc: 'the same elements under a new shape; one dim may be -1',
  infer([x], attrs) {
    return [{ shape: resolveReshape(x!.shape, intListAttr('reshape', attrs, 'shape')), dtype: x!.dtype }];
  },
};

export const transposeDef: OpDef<{ perm: number[] }> = {
  type: 'transpose',
  kind: 'orig',
  inputs: ['x'],
  doc: 'permutes axes: output axis i is input axis perm[i]',
  infer([x], attrs) {
    const rank = x!.shape.length;
    const perm = intListAttr('transpose', attrs, 'perm').map((a) => normalizeAxis(a, rank));
    const sorted = [...perm].sort((a, b) => (a ?? -1) - (b ?? -1));
    if (perm.length !== rank || !sorted.every((a, i) => a === i)) {
      throw new ShapeError('transpose', `perm ${formatValue(attrs.perm)} is not a permutation of the ${rank} axes`, [x!.shape]);
    }
    return [{ shape: perm.map((a) => x!.shape[a!]!), dtype: x!.dtype }];
  },
};

export const broadcastToDef: OpDef<{ shape: number[] }> = {
  type: 'broadcast_to',
  kind: 'orig',
  inputs: ['x'],
  doc: 'numpy broadcast of x to attr shape',
  infer([x], attrs) {
    const shape = shapeAttr('broadcast_to', attrs);
    const b = broadcastShapes(x!.shape, shape);
    if (!b || !shapesEqual(b, shape)) throw new ShapeError('broadcast_to', `cannot broadcast to ${formatShape(shape)}`, [x!.shape]);
    return [{ shape, dtype: x!.dtype }];
  },
};

export const castDef: OpDef<{ dtype: DType }> = {
  type: 'cast',
  kind: 'orig',
  inputs: ['x'],
  doc: 'converts x to attr dtype',
  infer([x], attrs) {
    if (!isDType(attrs.dtype)) throw new OpArgumentError('cast', `attr 'dtype' is invalid: ${formatValue(attrs.dtype)}; use float32, float64, int32 or bool.`);
    return [{ shape: x!.shape, dtype: attrs.dtype }];
  },
};

function source(type: string, doc: string, check: (attrs: Readonly<Record<string, unknown>>, shape: number[]) => void): OpDef {
  return {
    type,
    kind: 'orig',
    inputs: [],
    doc,
    differentiable: type === 'fill_constant' ? undefined : false,
    infer(_inputs, attrs) {
      const shape = shapeAttr(type, attrs);
      if (!isDType(attrs.dtype)) throw new OpArgumentError(type, `attr 'dtype' is invalid: ${formatValue(attrs.dtype)}; use float32, float64, int32 or bool.`);
      check(attrs, shape);
      return [{ shape, dtype: attrs.dtype }];
    },
  };
}

export const fillConstantDef = source('fill_constant', 'a tensor of attr shape and dtype filled with attr value', (attrs) => {
  floatScalarAttr('fill_constant', attrs, 'value');
});
export const assignValueDef = source('assign_value', 'a tensor of attr shape and dtype holding attr values (row-major)', (attrs, shape) => {
  const values = attrs.values;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number') || values.length !== numel(shape)) {
    throw new OpArgumentError('assign_value', `attr 'values' must be ${numel(shape)} numbers for shape ${formatShape(shape)}.`);
  }
});
export const uniformRandomDef = source('uniform_random', 'uniform samples in [min, max) from a seeded generator', (attrs) => {
  floatScalarAttr('uniform_random', attrs, 'min');
  floatScalarAttr('uniform_random', attrs, 'max');
  floatScalarAttr('uniform_random', attrs, 'seed');
});
export const gaussianRandomDef = source('gaussian_random', 'normal samples (mean, std) from a seeded generator', (attrs) => {
  floatScalarAttr('gaussian_random', attrs, 'mean');
  floatScalarAttr('gaussian_random', attrs, 'std');
  floatScalarAttr('gaussian_random', attrs, 'seed');
});

export const origOpDefs: readonly OpDef<any>[] = [
  addDef, subDef, mulDef, divDef, powDef, maximumDef, equalDef, greaterThanDef, greaterEqualDef,
  negDef, expDef, logDef, tanhDef, sqrtDef, sinDef, cosDef, absDef, sigmoidDef, reluDef, assignDef, scaleDef, whereDef,
  matmulDef, reduceSumDef, reduceMeanDef, reduceMaxDef, logsumexpDef, softmaxDef, logSoftmaxDef, pNormDef,
  reshapeDef, transposeDef, broadcastToDef, castDef, concatDef, sliceDef, padDef,
  fillConstantDef, assignValueDef, uniformRandomDef, gaussianRandomDef,
];

/** The plugin defining every native op. Rules and kernels come from the packages named in `providers`. */
export const origOpsPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  ops: origOpDefs,
  providers: {
    orig2prim: '@primgrad/orig2prim-rules',
    vjp: '@primgrad/vjp-rules',
    'kernel:cpu': '@primgrad/backend-cpu',
  },
};

export type { TensorType };
export * from './builders.js';
export { concatDef, concatShape } from './concat.js';
export { padDef, paddedShape, paddingListsProblem, resolvePadding, type Padding, type PaddingLists } from './pad.js';
export { resolveSlice, sliceDef, sliceListsProblem, type ListKind, type SliceBounds, type SliceLists } from './slice.js';
