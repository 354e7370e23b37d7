/**
 * @file Traced tensors: the values a function receives while it is traced into a program. Every
 * method and free function emits one or a few native ops into the trace's block; nothing is
 * computed until the traced program runs.
 */
import {
  ArgumentError,
  Builder,
  NDArray,
  formatShape,
  isDType,
  type Block,
  type DType,
  type NestedArray,
  type Registry,
  type TypedArray,
  type Var,
} from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { resolveIndex, type Index } from './indexing.js';

/** One tracing of a function: the block its ops go into, and whether tracing is still running. */
export class Trace {
  readonly builder: Builder;
  /** False once the traced function has returned; tensors of a closed trace can no longer emit ops. */
  active = true;

  constructor(
    readonly block: Block,
    readonly registry: Registry,
  ) {
    this.builder = new Builder(block, registry);
  }
}

/**
 * A constant operand: a number (taken as a 0-d value), a nested array, a typed array or an
 * NDArray. A constant is converted to the dtype of the tensor it meets.
 */
export type Constant = number | boolean | NestedArray | TypedArray | NDArray;

/** An operand of a tensor op: a traced tensor or a constant. */
export type Operand = Tensor | Constant;

/** An axis argument of a reduction, softmax or logSoftmax: one axis, several, or null for every axis. */
export type Axis = number | readonly number[] | null;

/**
 * A value inside a traced function: a var of the program being built, with its static shape
 * and dtype. Methods mirror the free functions (`x.matmul(w)` is `matmul(x, w)`).
 */
export class Tensor {
  constructor(
    /** The program var this tensor stands for. */
    readonly variable: Var,
    /** The tracing this tensor belongs to. */
    readonly trace: Trace,
  ) {}

  get shape(): readonly number[] {
    return this.variable.shape;
  }

  get dtype(): DType {
    return this.variable.dtype;
  }

  /** The number of axes. */
  get rank(): number {
    return this.variable.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return this.variable.shape.reduce((a, d) => a * d, 1);
  }

  /** The transpose of a 2-D tensor. */
  get T(): Tensor {
    if (this.rank !== 2) {
      throw new ArgumentError(`T: needs a 2-D tensor, got shape ${formatShape(this.shape)}; use transpose(perm) for other ranks.`);
    }
    return transposeTensor(this, [1, 0]);
  }

  add(y: Operand): Tensor {
    return binary('add', 'add', this, y);
  }
  sub(y: Operand): Tensor {
    return binary('sub', 'sub', this, y);
  }
  mul(y: Operand): Tensor {
    return binary('mul', 'mul', this, y);
  }
  div(y: Operand): Tensor {
    return binary('div', 'div', this, y);
  }
  pow(y: Operand): Tensor {
    return binary('pow', 'pow', this, y);
  }
  maximum(y: Operand): Tensor {
    return binary('maximum', 'maximum', this, y);
  }
  matmul(y: Operand): Tensor {
    return binary('matmul', 'matmul', this, y);
  }
  neg(): Tensor {
    return unary('neg', this);
  }
  exp(): Tensor {
    return unary('exp', this);
  }
  log(): Tensor {
    return unary('log', this);
  }
  tanh(): Tensor {
    return unary('tanh', this);
  }
  sqrt(): Tensor {
    return unary('sqrt', this);
  }
  sin(): Tensor {
    return unary('sin', this);
  }
  cos(): Tensor {
    return unary('cos', this);
  }
  abs(): Tensor {
    return unary('abs', this);
  }
  /** Applies the logistic sigmoid 1 / (1 + exp(-x)), without overflow for large |x|. */
  sigmoid(): Tensor {
    return unary('sigmoid', this);
  }
  /** Applies relu, max(x, 0), whose derivative at 0 is 0. */
  relu(): Tensor {
    return unary('relu', this);
  }
  /** Sums over `axis` (every axis when null or absent). */
  sum(axis: Axis = null, keepdim = false): Tensor {
    return reduction('sum', this, axis, keepdim);
  }
  /** Averages over `axis` (every axis when null or absent). */
  mean(axis: Axis = null, keepdim = false): Tensor {
    return reduction('mean', this, axis, keepdim);
  }
  /** Takes the maximum over `axis` (every axis when null or absent); tied maxima share the derivative evenly. */
  max(axis: Axis = null, keepdim = false): Tensor {
    return reduction('max', this, axis, keepdim);
  }
  /** Computes log(sum(exp(x))) over `axis` (every axis when null or absent), without overflow. */
  logsumexp(axis: Axis = null, keepdim = false): Tensor {
    return reduction('logsumexp', this, axis, keepdim);
  }
  /**
   * Computes exp(x) / sum(exp(x)) over `axis` (the last axis by default, every axis when null, or a
   * list of axes), without overflow.
   */
  softmax(axis: Axis = -1): Tensor {
    return softmaxTensor('softmax', this, axis);
  }
  /** Computes x - logsumexp(x) over `axis`, taken as in `softmax`, without overflow. */
  logSoftmax(axis: Axis = -1): Tensor {
    return softmaxTensor('logSoftmax', this, axis);
  }
  /** Computes the p-norm over `axis` (every element when null or absent); p = 2 is the Euclidean or Frobenius norm. */
  norm(p = 2, axis: Axis = null, keepdim = false): Tensor {
    return normTensor(this, p, axis, keepdim);
  }
  /** Gives the same elements the shape `shape`, in which one dim may be -1. */
  reshape(shape: readonly number[]): Tensor {
    return reshapeTensor(this, shape);
  }
  /** Permutes axes (output axis i is input axis perm[i]); reverses them when `perm` is absent. */
  transpose(perm?: readonly number[]): Tensor {
    return transposeTensor(this, perm);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return broadcastToTensor(this, shape);
  }
  cast(dtype: DType): Tensor {
    return castTensor(this, dtype);
  }
  /**
   * Takes numpy's `x[start:end:step]` on each of `axes`: negative starts and ends count from the
   * end, out-of-range ones are clamped, null means the start or end of the axis, steps are positive.
   */
  slice(axes: readonly number[], starts: readonly (number | null)[], ends: readonly (number | null)[], steps?: readonly number[]): Tensor {
    return sliceTensor(this, axes, starts, ends, steps);
  }
  /** Adds `before[i]` zeros before, `after[i]` after and `interior[i]` between the elements of axis i. */
  pad(before: readonly number[], after: readonly number[], interior?: readonly number[]): Tensor {
    return padTensor(this, before, after, interior);
  }
  /**
   * Indexes with one index per axis (missing trailing ones select the whole axis): an int
   * (negative counts from the end) drops its axis, a range [start, stop] or { start, stop, step }
   * with a positive step keeps it, null keeps all of it. `x.get(0)` is numpy's `x[0]`.
   */
  get(...index: Index[]): Tensor {
    return getTensor(this, index);
  }
  equal(y: Operand): Tensor {
    return compare('equal', this, y);
  }
  notEqual(y: Operand): Tensor {
    return compare('notEqual', this, y);
  }
  greater(y: Operand): Tensor {
    return compare('greater', this, y);
  }
  greaterEqual(y: Operand): Tensor {
    return compare('greaterEqual', this, y);
  }
  less(y: Operand): Tensor {
    return compare('less', this, y);
  }
  lessEqual(y: Operand): Tensor {
    return compare('lessEqual', this, y);
  }

  toString(): string {
    return `Tensor(${this.dtype}${formatShape(this.shape)}, traced)`;
  }

  /** Throws: JS arithmetic (`x * 2`) would see no value while tracing. */
  valueOf(): never {
    throw new ArgumentError(
      `${this.toString()} has no value while its function is traced, so JS operators (+, *, <, ...) cannot use it. ` +
        'Use the tensor methods instead: x.mul(2), x.add(y), x.less(y).',
    );
  }

  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return this.toString();
    return this.valueOf();
  }
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/** Describes a value for an error message: its kind, and its dtype and shape or its JSON form. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof NDArray) return `an NDArray ${value.dtype}${formatShape(value.shape)}`;
  if (value instanceof Tensor) return value.toString();
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no constructor'})`;
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

/**
 * Returns the one trace that the tensors among `operands` belong to. Throws when there is no
 * tensor, when tensors come from different traces, or when their trace has finished.
 */
export function traceOf(op: string, operands: readonly unknown[]): Trace {
  let trace: Trace | undefined;
  for (const value of operands) {
    if (!(value instanceof Tensor)) continue;
    if (!value.trace.active) {
      throw new ArgumentError(
        `${op}: ${value.toString()} belongs to a traced function that has already returned. ` +
          'Keep traced tensors inside the function that received them, and return what you need.',
      );
    }
    if (trace && value.trace !== trace) {
      throw new ArgumentError(
        `${op}: operands come from two different traced functions. A function passed to jvp, vjp, grad or Jacobian ` +
          'cannot use tensors captured from an enclosing traced function; pass them in as inputs instead.',
      );
    }
    trace = value.trace;
  }
  if (!trace) {
    throw new ArgumentError(
      `${op}: at least one operand must be a traced tensor (an input of the traced function or a value computed from one); ` +
        `got ${operands.map(describeValue).join(' and ')}.`,
    );
  }
  return trace;
}

/** Returns the var of a tensor operand, or emits a constant of `dtype` for a constant operand. */
export function operandVar(op: string, trace: Trace, value: Operand, dtype: DType, name: string): Var {
  if (value instanceof Tensor) return value.variable;
  return constantVar(op, trace, value, dtype, name);
}

function constantVar(op: string, trace: Trace, value: Constant, dtype: DType, name: string): Var {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return native.fillConstant(trace.builder, [], dtype, Number(value));
  }
  const isArrayLike = value instanceof NDArray || Array.isArray(value) || ArrayBuffer.isView(value);
  if (!isArrayLike) {
    throw new ArgumentError(
      `${op}: operand '${name}' is ${describeValue(value)}. Pass a traced tensor or a constant: a number, a nested array ` +
        'of numbers, a typed array or an NDArray.',
    );
  }
  let array: NDArray;
  try {
    array = value instanceof NDArray ? NDArray.from(value, dtype) : NDArray.from(value as NestedArray | TypedArray, dtype);
  } catch (e) {
    throw new ArgumentError(
      `${op}: operand '${name}' is not a valid constant: ${(e as Error).message}`,
    );
  }
  return trace.builder.emit1('assign_value', [], {
    shape: [...array.shape],
    dtype,
    values: Array.from(array.data as ArrayLike<number>),
  });
}

function wrap(trace: Trace, v: Var): Tensor {
  return new Tensor(v, trace);
}

/** Returns the dtype that constants take in an op: that of the first tensor operand. */
function operandDType(operands: readonly Operand[]): DType {
  const t = operands.find((o): o is Tensor => o instanceof Tensor);
  return t ? t.dtype : 'float64';
}

const BINARY_EMITTERS = {
  add: native.add,
  sub: native.sub,
  mul: native.mul,
  div: native.div,
  pow: native.pow,
  maximum: native.maximum,
  matmul: (b: Builder, x: Var, y: Var) => native.matmul(b, x, y),
} as const;

export function binary(op: string, type: keyof typeof BINARY_EMITTERS, x: Operand, y: Operand): Tensor {
  const trace = traceOf(op, [x, y]);
  const dtype = operandDType([x, y]);
  const vx = operandVar(op, trace, x, dtype, 'x');
  const vy = operandVar(op, trace, y, dtype, 'y');
  return wrap(trace, BINARY_EMITTERS[type](trace.builder, vx, vy));
}

const UNARY_EMITTERS = {
  neg: native.neg,
  exp: native.exp,
  log: native.log,
  tanh: native.tanh,
  sqrt: native.sqrt,
  sin: native.sin,
  cos: native.cos,
  abs: native.abs,
  sigmoid: native.sigmoid,
  relu: native.relu,
} as const;

export function unary(type: keyof typeof UNARY_EMITTERS, x: Tensor): Tensor {
  const trace = traceOf(type, [requireTensor(type, x, 'x')]);
  return wrap(trace, UNARY_EMITTERS[type](trace.builder, x.variable));
}

export type Comparison = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';

/** Emits a comparison; `less` and `lessEqual` swap the operands of greater_than and greater_equal. */
export function compare(op: Comparison, x: Operand, y: Operand): Tensor {
  const trace = traceOf(op, [x, y]);
  const dtype = operandDType([x, y]);
  const vx = operandVar(op, trace, x, dtype, 'x');
  const vy = operandVar(op, trace, y, dtype, 'y');
  const b = trace.builder;
  switch (op) {
    case 'equal':
      return wrap(trace, native.equal(b, vx, vy));
    case 'notEqual': {
      const eq = native.equal(b, vx, vy);
      return wrap(trace, native.where(b, eq, native.fillConstant(b, [], 'bool', 0), native.fillConstant(b, [], 'bool', 1)));
    }
    case 'greater':
      return wrap(trace, native.greaterThan(b, vx, vy));
    case 'greaterEqual':
      return wrap(trace, native.greaterEqual(b, vx, vy));
    case 'less':
      return wrap(trace, native.greaterThan(b, vy, vx));
    case 'lessEqual':
      return wrap(trace, native.greaterEqual(b, vy, vx));
  }
}

/** x where `condition` is true, else y; the three broadcast together. Constants for x and y take the other's dtype. */
export function whereTensor(condition: Operand, x: Operand, y: Operand): Tensor {
  const trace = traceOf('where', [condition, x, y]);
  const dtype = operandDType([x, y]);
  const c = operandVar('where', trace, condition, 'bool', 'condition');
  return wrap(trace, native.where(trace.builder, c, operandVar('where', trace, x, dtype, 'x'), operandVar('where', trace, y, dtype, 'y')));
}

export function requireTensor(op: string, x: unknown, name: string): Tensor {
  if (!(x instanceof Tensor)) {
    throw new ArgumentError(`${op}: '${name}' must be a traced tensor, got ${describeValue(x)}.`);
  }
  return x;
}

const REDUCTION_EMITTERS = {
  sum: native.reduceSum,
  mean: native.reduceMean,
  max: native.reduceMax,
  logsumexp: native.logsumexp,
} as const;

export function reduction(op: keyof typeof REDUCTION_EMITTERS, x: Tensor, axis: Axis, keepdim: boolean): Tensor {
  const trace = traceOf(op, [requireTensor(op, x, 'x')]);
  return wrap(trace, REDUCTION_EMITTERS[op](trace.builder, x.variable, axis, keepdim));
}

export function softmaxTensor(op: 'softmax' | 'logSoftmax', x: Tensor, axis: Axis): Tensor {
  const trace = traceOf(op, [requireTensor(op, x, 'x')]);
  const emit = op === 'softmax' ? native.softmax : native.logSoftmax;
  return wrap(trace, emit(trace.builder, x.variable, axis));
}

/** Joins `xs` along `axis`. Constants among them take the dtype of the first tensor. */
export function concatTensor(xs: readonly Operand[], axis: number): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ArgumentError(`concat: 'xs' must be a non-empty array of tensors, got ${Array.isArray(xs) ? 'an empty array' : describeValue(xs)}.`);
  }
  const trace = traceOf('concat', xs);
  const dtype = operandDType(xs);
  const vars = xs.map((x, i) => operandVar('concat', trace, x, dtype, `xs[${i}]`));
  return wrap(trace, native.concat(trace.builder, vars, axis));
}

export function sliceTensor(
  x: Tensor,
  axes: readonly number[],
  starts: readonly (number | null)[],
  ends: readonly (number | null)[],
  steps?: readonly number[],
): Tensor {
  const trace = traceOf('slice', [requireTensor('slice', x, 'x')]);
  const problem = native.sliceListsProblem({ axes, starts, ends, steps }, 'argument');
  if (problem) throw new ArgumentError(`slice: ${problem}`);
  return wrap(trace, native.slice(trace.builder, x.variable, axes, starts, ends, steps));
}

export function padTensor(x: Tensor, before: readonly number[], after: readonly number[], interior?: readonly number[]): Tensor {
  const trace = traceOf('pad', [requireTensor('pad', x, 'x')]);
  const problem = native.paddingListsProblem({ before, after, interior }, x.rank, 'argument');
  if (problem) throw new ArgumentError(`pad: ${problem}`);
  return wrap(trace, native.pad(trace.builder, x.variable, before, after, interior));
}

/** Implements `x.get(...index)` as one slice over every axis, then a reshape that drops the axes indexed by an int. */
export function getTensor(x: Tensor, index: readonly Index[]): Tensor {
  const trace = traceOf('get', [requireTensor('get', x, 'x')]);
  if (index.length > x.rank) {
    throw new ArgumentError(`get: got ${index.length} indices for a tensor of shape ${formatShape(x.shape)}.`);
  }
  const resolved = x.shape.map((size, axis) => resolveIndex(index[axis], size, axis, 'get'));
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  resolved.forEach(({ positions }, axis) => {
    const step = positions.length > 1 ? positions[1]! - positions[0]! : 1;
    if (step < 1) {
      throw new ArgumentError(`get: the range on axis ${axis} has a negative step, and reversing an axis is not supported.`);
    }
    const start = positions[0] ?? 0;
    starts.push(start);
    ends.push(positions.length > 0 ? positions[positions.length - 1]! + 1 : start);
    steps.push(step);
  });
  const axes = x.shape.map((_, i) => i);
  const sliced = native.slice(trace.builder, x.variable, axes, starts, ends, steps);
  const shape = resolved.filter((r) => r.keep).map((r) => r.positions.length);
  return wrap(trace, native.reshape(trace.builder, sliced, shape));
}

export function normTensor(x: Tensor, p: number, axis: Axis, keepdim: boolean): Tensor {
  const trace = traceOf('norm', [requireTensor('norm', x, 'x')]);
  return wrap(trace, native.pNorm(trace.builder, x.variable, p, axis, keepdim));
}

export function reshapeTensor(x: Tensor, shape: readonly number[]): Tensor {
  const trace = traceOf('reshape', [requireTensor('reshape', x, 'x')]);
  return wrap(trace, native.reshape(trace.builder, x.variable, shape));
}

export function transposeTensor(x: Tensor, perm?: readonly number[]): Tensor {
  const trace = traceOf('transpose', [requireTensor('transpose', x, 'x')]);
  const order = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  return wrap(trace, native.transpose(trace.builder, x.variable, order));
}

export function broadcastToTensor(x: Tensor, shape: readonly number[]): Tensor {
  const trace = traceOf('broadcastTo', [requireTensor('broadcastTo', x, 'x')]);
  return wrap(trace, native.broadcastTo(trace.builder, x.variable, shape));
}

export function castTensor(x: Tensor, dtype: DType): Tensor {
  const trace = traceOf('cast', [requireTensor('cast', x, 'x')]);
  if (!isDType(dtype)) throw new ArgumentError(`cast: dtype must be float32, float64, int32 or bool, got ${JSON.stringify(dtype)}.`);
  return wrap(trace, native.cast(trace.builder, x.variable, dtype));
}

/**
 * Emits a native op of any registered type, so traced functions can use a third party's op.
 * Constants among `inputs` take the dtype of the first tensor. Returns the output tensor, or a
 * list when the op has several outputs. Prims are rejected: the pipeline lowers a trace with
 * orig2prim, so a trace must hold native ops only.
 */
export function nativeOp(type: string, inputs: readonly Operand[], attrs: Record<string, unknown> = {}): Tensor | Tensor[] {
  const trace = traceOf(type, inputs);
  const registry = trace.builder.registry;
  if (registry.hasOp(type) && registry.opDef(type).kind === 'prim') {
    const nativeType = type.slice(0, -'_p'.length);
    const fix =
      registry.hasOp(nativeType) && registry.opDef(nativeType).kind === 'orig'
        ? `use the native op '${nativeType}' instead: nativeOp('${nativeType}', ...)`
        : 'define a native op whose orig2prim rule lowers to it, and call that';
    throw new ArgumentError(`nativeOp: '${type}' is a prim, but a traced function may only contain native ops; ${fix}.`);
  }
  const dtype = operandDType(inputs);
  const vars = inputs.map((x, i) => operandVar(type, trace, x, dtype, `inputs[${i}]`));
  const outs = trace.builder.emit(type, vars, attrs as never);
  const tensors = outs.map((v) => wrap(trace, v));
  return tensors.length === 1 ? tensors[0]! : tensors;
}
