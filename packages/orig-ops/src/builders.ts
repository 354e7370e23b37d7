import type { Builder, DType, Shape, Var } from '@primgrad/ir';

// Typed builder functions: each emits one native op through `b` and returns its output.

/**
 * Copies an array argument into its attr. Anything else goes into the attr unchanged, so that the
 * op's attr check rejects it with a message that names the op and the attr.
 */
function copyList<T>(value: readonly T[]): T[];
function copyList<T>(value: T): T;
function copyList(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

export const add = (b: Builder, x: Var, y: Var): Var => b.emit1('add', [x, y]);
export const sub = (b: Builder, x: Var, y: Var): Var => b.emit1('sub', [x, y]);
export const mul = (b: Builder, x: Var, y: Var): Var => b.emit1('mul', [x, y]);
export const div = (b: Builder, x: Var, y: Var): Var => b.emit1('div', [x, y]);
export const pow = (b: Builder, x: Var, y: Var): Var => b.emit1('pow', [x, y]);
export const maximum = (b: Builder, x: Var, y: Var): Var => b.emit1('maximum', [x, y]);
export const equal = (b: Builder, x: Var, y: Var): Var => b.emit1('equal', [x, y]);
export const greaterThan = (b: Builder, x: Var, y: Var): Var => b.emit1('greater_than', [x, y]);
export const greaterEqual = (b: Builder, x: Var, y: Var): Var => b.emit1('greater_equal', [x, y]);
export const neg = (b: Builder, x: Var): Var => b.emit1('neg', [x]);
export const exp = (b: Builder, x: Var): Var => b.emit1('exp', [x]);
export const log = (b: Builder, x: Var): Var => b.emit1('log', [x]);
export const tanh = (b: Builder, x: Var): Var => b.emit1('tanh', [x]);
export const sqrt = (b: Builder, x: Var): Var => b.emit1('sqrt', [x]);
export const sin = (b: Builder, x: Var): Var => b.emit1('sin', [x]);
export const cos = (b: Builder, x: Var): Var => b.emit1('cos', [x]);
export const abs = (b: Builder, x: Var): Var => b.emit1('abs', [x]);
export const sigmoid = (b: Builder, x: Var): Var => b.emit1('sigmoid', [x]);
export const relu = (b: Builder, x: Var): Var => b.emit1('relu', [x]);
export const assign = (b: Builder, x: Var): Var => b.emit1('assign', [x]);
export const scale = (b: Builder, x: Var, factor: number, bias = 0): Var => b.emit1('scale', [x], { scale: factor, bias });
export const where = (b: Builder, condition: Var, x: Var, y: Var): Var => b.emit1('where', [condition, x, y]);
export const matmul = (b: Builder, x: Var, y: Var, options: { transX?: boolean; transY?: boolean } = {}): Var =>
  b.emit1('matmul', [x, y], { transX: options.transX ?? false, transY: options.transY ?? false });

/** Converts an `axis` argument to its attr form: null for every axis, else a list. */
function axisList(axis: number | readonly number[] | null): number[] | null {
  // Anything that is not a number or an array goes to the op's attr check, which names it.
  return typeof axis === 'number' ? [axis] : (copyList(axis) as number[] | null);
}
/** `axis` null or absent reduces every axis. */
export const reduceSum = (b: Builder, x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  b.emit1('reduce_sum', [x], { axis: axisList(axis), keepdim });
export const reduceMean = (b: Builder, x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  b.emit1('reduce_mean', [x], { axis: axisList(axis), keepdim });
export const reduceMax = (b: Builder, x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  b.emit1('reduce_max', [x], { axis: axisList(axis), keepdim });
export const logsumexp = (b: Builder, x: Var, axis: number | readonly number[] | null = null, keepdim = false): Var =>
  b.emit1('logsumexp', [x], { axis: axisList(axis), keepdim });
/** `axis` is one axis (the last by default), a list of axes, or null for every axis. */
export const softmax = (b: Builder, x: Var, axis: number | readonly number[] | null = -1): Var =>
  b.emit1('softmax', [x], { axis: copyList(axis) as number | number[] | null });
export const logSoftmax = (b: Builder, x: Var, axis: number | readonly number[] | null = -1): Var =>
  b.emit1('log_softmax', [x], { axis: copyList(axis) as number | number[] | null });
export const pNorm = (
  b: Builder,
  x: Var,
  porder = 2,
  axis: number | readonly number[] | null = null,
  keepdim = false,
): Var => b.emit1('p_norm', [x], { porder, axis: axisList(axis), keepdim });
export const reshape = (b: Builder, x: Var, shape: readonly number[]): Var => b.emit1('reshape', [x], { shape: [...shape] });
export const transpose = (b: Builder, x: Var, perm: readonly number[]): Var => b.emit1('transpose', [x], { perm: [...perm] });
export const broadcastTo = (b: Builder, x: Var, shape: Shape): Var => b.emit1('broadcast_to', [x], { shape: [...shape] });
export const cast = (b: Builder, x: Var, dtype: DType): Var => b.emit1('cast', [x], { dtype });
export const concat = (b: Builder, xs: readonly Var[], axis = 0): Var => b.emit1('concat', xs, { axis });
/** numpy's `x[start:end:step]` on each of `axes`; a null start or end means the start or end of the axis. */
export const slice = (
  b: Builder,
  x: Var,
  axes: readonly number[],
  starts: readonly (number | null)[],
  ends: readonly (number | null)[],
  steps?: readonly number[],
): Var =>
  b.emit1('slice', [x], {
    axes: copyList(axes),
    starts: copyList(starts),
    ends: copyList(ends),
    ...(steps === undefined ? {} : { steps: copyList(steps) }),
  });
/** Zero padding with `before[i]`, `after[i]` and `interior[i]` (between neighbours) elements on axis i. */
export const pad = (b: Builder, x: Var, before: readonly number[], after: readonly number[], interior?: readonly number[]): Var =>
  b.emit1('pad', [x], { before: copyList(before), after: copyList(after), ...(interior === undefined ? {} : { interior: copyList(interior) }) });
export const fillConstant = (b: Builder, shape: Shape, dtype: DType, value: number): Var =>
  b.emit1('fill_constant', [], { shape: [...shape], dtype, value });
