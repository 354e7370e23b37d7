/**
 * @file jvp, vjp, linearize, grad and valueAndGrad on traced functions.
 *
 * Each API traces func once per input signature. Called with concrete inputs, it runs the
 * primal part of the linearized program once and the linear part once per batch of vectors.
 * Called with traced tensors (inside a function that another API is tracing), it emits the
 * derivative's ops into that trace instead, so derivatives compose: jvp of grad, jvp of jvp.
 */
import { ArgumentError, NDArray, type TypedArray } from '@primgrad/ir';
import type { FunctionalOptions } from './context.js';
import { Linearization, splitLinearization } from './partial.js';
import {
  concreteVectors,
  inlineDerivative,
  inputList,
  prepare,
  requireScalarOutput,
  symbolicVectors,
  type InputList,
  type Prepared,
} from './prepare.js';
import type { Tensor } from './tensor.js';
import { requireFunction } from './trace.js';
import type { ArrayValue, Input } from './values.js';

/** The result of a traced function: one tensor or a list of them. */
export type TensorOutput = Tensor | readonly Tensor[];
/** The concrete counterpart of a traced function's result: one NDArray, or a list for a list. */
export type Concrete<R> = R extends Tensor ? NDArray : NDArray[];
/** The traced counterpart of a traced function's result, for calls inside another traced function. */
export type Traced<R> = R extends Tensor ? Tensor : Tensor[];
/** One concrete input that is not a JS array, so it cannot be mistaken for a list of inputs. */
export type SingleValue = number | boolean | TypedArray | NDArray;

function outputStructure<T>(prepared: Prepared, items: T[]): T | T[] {
  return prepared.traced.returnsList ? items : items[0]!;
}

function inputStructure<T>(prepared: Prepared, items: T[]): T | T[] {
  return prepared.inputsAreList ? items : items[0]!;
}

/** Adds a leading batch axis of 1; the buffer is shared. */
function asBatchOfOne(a: NDArray): NDArray {
  return new NDArray(a.dtype, [1, ...a.shape], a.data);
}

/** Drops the leading batch axis of 1; the buffer is shared. */
function firstOfBatch(a: NDArray): NDArray {
  return new NDArray(a.dtype, a.shape.slice(1), a.data);
}

function jvpPrepared(prepared: Prepared, v: unknown): [unknown, unknown] {
  const { api, ctx, traced, inputTypes, inputNames } = prepared;
  if (prepared.outer) {
    const tangents = symbolicVectors(api, prepared.outer.trace, v, prepared.inputsAreList, inputTypes, inputNames, 'input');
    const { ys, outs } = inlineDerivative(prepared, 'forward', tangents);
    return [outputStructure(prepared, ys), outputStructure(prepared, outs)];
  }
  const tangents = concreteVectors(api, v, prepared.inputsAreList, inputTypes, inputNames, 'input');
  const linearization = new Linearization(splitLinearization(traced, ctx, 'forward'), ctx, prepared.eager!);
  const ysDot = linearization.apply(tangents.map(asBatchOfOne), 1).map(firstOfBatch);
  return [outputStructure(prepared, linearization.ys), outputStructure(prepared, ysDot)];
}

/**
 * Forward mode: returns [ys, ysDot], the outputs of func at xs and their tangents along v, the
 * Jacobian-vector product. `xs` is the list of inputs, one per parameter, and a value that is
 * not a JS array is taken as the only input. `v` has the structure of `xs`, and is ones when absent.
 * Runs linearize only (never two reverse passes): the primal part once, the linear part once.
 */
export function jvp<R extends TensorOutput>(
  func: (...xs: Tensor[]) => R,
  xs: Tensor | readonly Tensor[],
  v?: unknown,
  options?: FunctionalOptions,
): [Traced<R>, Traced<R>];
export function jvp<R extends TensorOutput>(
  func: (...xs: Tensor[]) => R,
  xs: SingleValue | readonly Input[],
  v?: unknown,
  options?: FunctionalOptions,
): [Concrete<R>, Concrete<R>];
export function jvp(func: unknown, xs: unknown, v?: unknown, options?: FunctionalOptions): [unknown, unknown] {
  return jvpPrepared(prepare('jvp', func, inputList(xs), options), v);
}

/** vjp on a prepared call; Hessian uses it to build the traced gradient. */
export function vjpPrepared(prepared: Prepared, v: unknown): [unknown, unknown] {
  const { api, ctx, traced } = prepared;
  const outputNames = traced.outputs.map((_, i) => (traced.returnsList ? `output ${i}` : 'the output'));
  if (prepared.outer) {
    const cotangents = symbolicVectors(api, prepared.outer.trace, v, traced.returnsList, traced.outputs, outputNames, 'output');
    const { ys, outs } = inlineDerivative(prepared, 'reverse', cotangents);
    return [outputStructure(prepared, ys), inputStructure(prepared, outs)];
  }
  const cotangents = concreteVectors(api, v, traced.returnsList, traced.outputs, outputNames, 'output');
  const linearization = new Linearization(splitLinearization(traced, ctx, 'reverse'), ctx, prepared.eager!);
  const xsBar = linearization.apply(cotangents.map(asBatchOfOne), 1).map(firstOfBatch);
  return [outputStructure(prepared, linearization.ys), inputStructure(prepared, xsBar)];
}

/**
 * Reverse mode: returns [ys, xsBar], the outputs of func at xs and the vector-Jacobian product
 * vᵀJ, one cotangent per input in the structure of `xs`. `v` has the structure of func's
 * result (one value, or a list when func returns a list): ones when absent. Runs linearize,
 * then transpose; the primal part once, the transposed linear part once.
 */
export function vjp<R extends TensorOutput>(func: (...xs: Tensor[]) => R, xs: Tensor, v?: unknown, options?: FunctionalOptions): [Traced<R>, Tensor];
export function vjp<R extends TensorOutput>(
  func: (...xs: Tensor[]) => R,
  xs: readonly Tensor[],
  v?: unknown,
  options?: FunctionalOptions,
): [Traced<R>, Tensor[]];
export function vjp<R extends TensorOutput>(
  func: (...xs: Tensor[]) => R,
  xs: SingleValue,
  v?: unknown,
  options?: FunctionalOptions,
): [Concrete<R>, NDArray];
export function vjp<R extends TensorOutput>(
  func: (...xs: Tensor[]) => R,
  xs: readonly Input[],
  v?: unknown,
  options?: FunctionalOptions,
): [Concrete<R>, NDArray[]];
export function vjp(func: unknown, xs: unknown, v?: unknown, options?: FunctionalOptions): [unknown, unknown] {
  return vjpPrepared(prepare('vjp', func, inputList(xs), options), v);
}

/**
 * Linearizes func at xs: returns [ys, fJvp]. fJvp(v) returns the tangents of the outputs along
 * v (structured like `xs`; ones when absent). The primal part runs once, here; each fJvp call
 * runs only the linear part, with no tracing.
 */
export function linearize<R extends TensorOutput>(
  func: (...xs: Tensor[]) => R,
  xs: SingleValue | readonly Input[],
  options?: FunctionalOptions,
): [Concrete<R>, (v?: unknown) => Concrete<R>];
export function linearize(func: unknown, xs: unknown, options?: FunctionalOptions): [unknown, (v?: unknown) => unknown] {
  const prepared = prepare('linearize', func, inputList(xs), options);
  if (prepared.outer) {
    throw new ArgumentError(
      'linearize: xs contains traced tensors. linearize returns a function that runs programs, so call it outside traced ' +
        'functions, or use jvp inside them.',
    );
  }
  const { ctx, traced, inputTypes, inputNames } = prepared;
  const linearization = new Linearization(splitLinearization(traced, ctx, 'forward'), ctx, prepared.eager!);
  const fJvp = (v?: unknown): unknown => {
    const tangents = concreteVectors('linearize: fJvp', v, prepared.inputsAreList, inputTypes, inputNames, 'input');
    return outputStructure(prepared, linearization.apply(tangents.map(asBatchOfOne), 1).map(firstOfBatch));
  };
  return [outputStructure(prepared, linearization.ys), fJvp];
}

/** The function grad returns: the gradient for one argument, a list of gradients for several. */
export interface GradFunction {
  (x: Tensor): Tensor;
  (...xs: Tensor[]): Tensor[];
  (x: ArrayValue): NDArray;
  (...xs: Input[]): NDArray[];
}

/** The function valueAndGrad returns: [value, gradient] for one argument, [value, gradients] for several. */
export interface ValueAndGradFunction {
  (x: Tensor): [Tensor, Tensor];
  (...xs: Tensor[]): [Tensor, Tensor[]];
  (x: ArrayValue): [NDArray, NDArray];
  (...xs: Input[]): [NDArray, NDArray[]];
}

function argumentList(args: readonly unknown[]): InputList {
  return { items: args, isList: args.length !== 1, name: 'arguments', names: args.map((_, i) => `argument ${i}`) };
}

function gradPrepared(api: string, func: unknown, args: readonly unknown[], options: FunctionalOptions | undefined): [unknown, unknown] {
  const inputs = argumentList(args);
  const prepared = prepare(api, func, inputs, options);
  requireScalarOutput(api, prepared.traced, false);
  const [ys, grads] = vjpPrepared(prepared, undefined);
  return [Array.isArray(ys) ? ys[0] : ys, grads];
}

/**
 * Returns a function that computes the gradient of func, which must return one single-element
 * tensor, with respect to every argument: one gradient when called with one argument, a list
 * when called with several. Inside a traced function it returns traced tensors.
 */
export function grad(func: (...xs: Tensor[]) => TensorOutput, options?: FunctionalOptions): GradFunction {
  const api = 'grad';
  requireFunction(api, func);
  return ((...args: unknown[]) => gradPrepared(api, func, args, options)[1]) as GradFunction;
}

/** Like grad, but the returned function returns [value, gradients]. */
export function valueAndGrad(func: (...xs: Tensor[]) => TensorOutput, options?: FunctionalOptions): ValueAndGradFunction {
  const api = 'valueAndGrad';
  requireFunction(api, func);
  return ((...args: unknown[]) => gradPrepared(api, func, args, options)) as ValueAndGradFunction;
}
