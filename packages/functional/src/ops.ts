/**
 * @file Free-function forms of the tensor methods, for traced functions written in the style
 * of `tanh(add(matmul(x, w), b))`. Binary ops take numbers and other constants on either side.
 */
import type { DType } from '@primgrad/ir';
import {
  binary,
  broadcastToTensor,
  castTensor,
  compare,
  concatTensor,
  normTensor,
  padTensor,
  reduction,
  reshapeTensor,
  sliceTensor,
  softmaxTensor,
  transposeTensor,
  unary,
  whereTensor,
  type Axis,
  type Operand,
  type Tensor,
} from './tensor.js';

export const add = (x: Operand, y: Operand): Tensor => binary('add', 'add', x, y);
export const sub = (x: Operand, y: Operand): Tensor => binary('sub', 'sub', x, y);
export const mul = (x: Operand, y: Operand): Tensor => binary('mul', 'mul', x, y);
export const div = (x: Operand, y: Operand): Tensor => binary('div', 'div', x, y);
export const pow = (x: Operand, y: Operand): Tensor => binary('pow', 'pow', x, y);
export const maximum = (x: Operand, y: Operand): Tensor => binary('maximum', 'maximum', x, y);
/** numpy matmul: a 1-D operand is a row (left) or a column (right) vector, batch dims broadcast. */
export const matmul = (x: Operand, y: Operand): Tensor => binary('matmul', 'matmul', x, y);

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** The logistic sigmoid 1 / (1 + exp(-x)), without overflow for large |x|. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** max(x, 0), whose derivative at 0 is 0. */
export const relu = (x: Tensor): Tensor => unary('relu', x);

/** x where `condition` is true, else y; the three broadcast together. */
export const where = (condition: Operand, x: Operand, y: Operand): Tensor => whereTensor(condition, x, y);

/** Sums over `axis` (every axis when null or absent). */
export const sum = (x: Tensor, axis: Axis = null, keepdim = false): Tensor => reduction('sum', x, axis, keepdim);
/** The mean over `axis` (every axis when null or absent). */
export const mean = (x: Tensor, axis: Axis = null, keepdim = false): Tensor => reduction('mean', x, axis, keepdim);
/** The maximum over `axis` (every axis when null or absent); tied maxima share the derivative evenly. */
export const max = (x: Tensor, axis: Axis = null, keepdim = false): Tensor => reduction('max', x, axis, keepdim);
/** log(sum(exp(x))) over `axis` (every axis when null or absent), without overflow. */
export const logsumexp = (x: Tensor, axis: Axis = null, keepdim = false): Tensor => reduction('logsumexp', x, axis, keepdim);
/** exp(x) / sum(exp(x)) over `axis` (the last axis by default, every axis when null, or a list of axes), without overflow. */
export const softmax = (x: Tensor, axis: Axis = -1): Tensor => softmaxTensor('softmax', x, axis);
/** x - logsumexp(x) over `axis`, taken as in `softmax`, without overflow. */
export const logSoftmax = (x: Tensor, axis: Axis = -1): Tensor => softmaxTensor('logSoftmax', x, axis);
/** The p-norm over `axis` (every element when null or absent); p = 2 is the Euclidean or Frobenius norm. */
export const norm = (x: Tensor, p = 2, axis: Axis = null, keepdim = false): Tensor => normTensor(x, p, axis, keepdim);

/** The same elements under `shape`; one dim may be -1. */
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => reshapeTensor(x, shape);
/** Permutes axes (output axis i is input axis perm[i]); reverses them when `perm` is absent. */
export const transpose = (x: Tensor, perm?: readonly number[]): Tensor => transposeTensor(x, perm);
export const broadcastTo = (x: Tensor, shape: readonly number[]): Tensor => broadcastToTensor(x, shape);
export const cast = (x: Tensor, dtype: DType): Tensor => castTensor(x, dtype);
/** Joins `xs` along `axis` (default 0); their other dims must agree. Constants take the first tensor's dtype. */
export const concat = (xs: readonly Operand[], axis = 0): Tensor => concatTensor(xs, axis);
/** numpy's `x[start:end:step]` on each of `axes`; null means the start or end of the axis, steps are positive. */
export const slice = (
  x: Tensor,
  axes: readonly number[],
  starts: readonly (number | null)[],
  ends: readonly (number | null)[],
  steps?: readonly number[],
): Tensor => sliceTensor(x, axes, starts, ends, steps);
/** x with `before[i]` zeros before, `after[i]` after and `interior[i]` between the elements of axis i. */
export const pad = (x: Tensor, before: readonly number[], after: readonly number[], interior?: readonly number[]): Tensor =>
  padTensor(x, before, after, interior);

export const equal = (x: Operand, y: Operand): Tensor => compare('equal', x, y);
export const notEqual = (x: Operand, y: Operand): Tensor => compare('notEqual', x, y);
export const greater = (x: Operand, y: Operand): Tensor => compare('greater', x, y);
export const greaterEqual = (x: Operand, y: Operand): Tensor => compare('greaterEqual', x, y);
export const less = (x: Operand, y: Operand): Tensor => compare('less', x, y);
export const lessEqual = (x: Operand, y: Operand): Tensor => compare('lessEqual', x, y);
