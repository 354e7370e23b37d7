import { ArgumentError, type DType, type Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { builderFor, builderOf, defaultMainProgram } from './context.js';

/** An operand: a var, or a number taken as a 0-d constant of the other operand's dtype. */
export type Operand = Var | number;

function checkVar(op: string, v: unknown, name: string): Var {
  if (!v || typeof v !== 'object' || !('block' in v)) {
    throw new ArgumentError(`${op}: '${name}' must be a var (got ${v === null ? 'null' : typeof v}).`);
  }
  return v as Var;
}

function binary(op: string, emit: (b: ReturnType<typeof builderOf>, x: Var, y: Var) => Var) {
  return (x: Operand, y: Operand): Var => {
    if (typeof x === 'number' && typeof y === 'number') throw new ArgumentError(`${op}: at least one operand must be a var.`);
    const vx = typeof x === 'number' ? undefined : checkVar(op, x, 'x');
    const vy = typeof y === 'number' ? undefined : checkVar(op, y, 'y');
    const b = builderOf([vx, vy].filter((v): v is Var => v !== undefined));
    const dtype = (vx ?? vy)!.dtype;
    const lx = vx ?? native.fillConstant(b, [], dtype, x as number);
    const ly = vy ?? native.fillConstant(b, [], dtype, y as number);
    return emit(b, lx, ly);
  };
}

function unary(op: string, emit: (b: ReturnType<typeof builderOf>, x: Var) => Var) {
  return (x: Var): Var => emit(builderOf([checkVar(op, x, 'x')]), x);
}

export const add = binary('add', native.add);
export const sub = binary('sub', native.sub);
export const mul = binary('mul', native.mul);
export const div = binary('div', native.div);
export const pow = binary('pow', native.pow);
export const maximum = binary('maximum', native.maximum);
export const equal = binary('equal', native.equal);
export const greaterThan = binary('greater_than', native.greaterThan);
export const greaterEqual = binary('greater_equal', native.greaterEqual);
export const neg = unary('neg', native.neg);
export const exp = unary('exp', native.exp);
export const log = unary('log', native.log);
export const tanh = unary('tanh', native.tanh);
export const sqrt = unary('sqrt', native.sqrt);
export const sin = unary('sin', native.sin);
export const cos = unary('cos', native.cos);
export const abs = unary('abs', native.abs);
export const assign = unary('assign', native.assign);
/** The logistic sigmoid 1 / (1 + exp(-x)), computed without overflow for large |x|. */
export const sigmoid = unary('sigmoid', native.sigmoid);
/** max(x, 0), whose derivative at 0 is 0. */
export const relu = unary('relu', native.relu);

export const scale = (x: Var, factor: number, bias = 0): Var => native.scale(builderOf([checkVar('scale', x, 'x')]), x, factor, bias);
export const where = (condition: Var, x: Var, y: Var): Var => native.where(builderOf([condition, x, y]), condition, x, y);
export const matmul = (x: Var, y: Var, options: { transX?: boolean; transY?: boolean } = {}): Var =>
  native.matmul(builderOf([checkVar('matmul', x, 'x'), checkVar('matmul', y, 'y')]), x, y, options);
/** Sums over `axis` (every axis when null). */
export const sum = (x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  native.reduceSum(builderOf([checkVar('sum', x, 'x')]), x, axis, keepdim);
export const mean = (x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  native.reduceMean(builderOf([checkVar('mean', x, 'x')]), x, axis, keepdim);
/** The p-norm over `axis` (every element when null); p = 2 is the Euclidean or Frobenius norm. */
export const norm = (x: Var, p = 2, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  native.pNorm(builderOf([checkVar('norm', x, 'x')]), x, p, axis, keepdim);
/** The maximum over `axis` (every axis when null). Tied maxima share the derivative evenly. */
export const max = (x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  native.reduceMax(builderOf([checkVar('max', x, 'x')]), x, axis, keepdim);
/** log(sum(exp(x))) over `axis` (every axis when null), shifted by the maximum so it cannot overflow. */
export const logsumexp = (x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  native.logsumexp(builderOf([checkVar('logsumexp', x, 'x')]), x, axis, keepdim);
/**
 * exp(x) / sum(exp(x)) over `axis`: the last axis by default, every axis when null, or a list of
 * axes. Shifted by the maximum so it cannot overflow. A line of only -Infinity gives NaN.
 */
export const softmax = (x: Var, axis: number | readonly number[] | null = -1): Var =>
  native.softmax(builderOf([checkVar('softmax', x, 'x')]), x, axis);
/** x - logsumexp(x) over `axis`, taken as in `softmax`, and shifted by the maximum so it cannot overflow. */
export const logSoftmax = (x: Var, axis: number | readonly number[] | null = -1): Var =>
  native.logSoftmax(builderOf([checkVar('logSoftmax', x, 'x')]), x, axis);
export const reshape = (x: Var, shape: readonly number[]): Var => native.reshape(builderOf([checkVar('reshape', x, 'x')]), x, shape);
export const transpose = (x: Var, perm: readonly number[]): Var => native.transpose(builderOf([checkVar('transpose', x, 'x')]), x, perm);
export const broadcastTo = (x: Var, shape: readonly number[]): Var =>
  native.broadcastTo(builderOf([checkVar('broadcastTo', x, 'x')]), x, shape);
/** Joins `xs` along `axis`; their other dims must agree. */
export const concat = (xs: readonly Var[], axis = 0): Var => {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ArgumentError(`concat: 'xs' must be a non-empty array of vars, got ${Array.isArray(xs) ? 'an empty array' : typeof xs}.`);
  }
  const vars = xs.map((x, i) => checkVar('concat', x, `xs[${i}]`));
  return native.concat(builderOf(vars), vars, axis);
};
/**
 * numpy's `x[start:end:step]` on each of `axes`: negative starts and ends count from the end,
 * out-of-range ones are clamped, null means the start or end of the axis. Steps are positive.
 */
export const slice = (
  x: Var,
  axes: readonly number[],
  starts: readonly (number | null)[],
  ends: readonly (number | null)[],
  steps?: readonly number[],
): Var => {
  const b = builderOf([checkVar('slice', x, 'x')]);
  const problem = native.sliceListsProblem({ axes, starts, ends, steps }, 'argument');
  if (problem) throw new ArgumentError(`slice: ${problem}`);
  return native.slice(b, x, axes, starts, ends, steps);
};
/** x with `before[i]` zeros before, `after[i]` after and `interior[i]` between the elements of axis i. */
export const pad = (x: Var, before: readonly number[], after: readonly number[], interior?: readonly number[]): Var => {
  const b = builderOf([checkVar('pad', x, 'x')]);
  const problem = native.paddingListsProblem({ before, after, interior }, x.shape.length, 'argument');
  if (problem) throw new ArgumentError(`pad: ${problem}`);
  return native.pad(b, x, before, after, interior);
};
export const cast = (x: Var, dtype: DType): Var => native.cast(builderOf([checkVar('cast', x, 'x')]), x, dtype);
/** A constant of `shape` and `dtype`, built in the current main program. */
export const fillConstant = (shape: readonly number[], dtype: DType, value: number): Var =>
  native.fillConstant(builderFor(defaultMainProgram().globalBlock()), shape, dtype, value);
