/**
 * @file Argument handling shared by the functional APIs: checks func, converts the inputs,
 * traces, and decides between eager evaluation (concrete inputs) and symbolic evaluation
 * (traced tensors, when an API is called inside a function that is itself being traced).
 */
import { ArgumentError, NDArray, formatShape, numel, type TensorType, type Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { resolveOptions, type Context, type FunctionalOptions } from './context.js';
import { symbolicDerivative, type Mode } from './pipeline.js';
import { Tensor, operandVar, traceOf, type Trace } from './tensor.js';
import { checkArity, describeOutputs, inlineBlock, requireFunction, traceFunction, type TracedFunction } from './trace.js';
import { describeValue, requireFloatType, toMatching, toNDArray } from './values.js';

/** A functional API call with its inputs checked and its function traced. */
export interface Prepared {
  readonly api: string;
  readonly ctx: Context;
  readonly traced: TracedFunction;
  /** Whether the inputs were given as a list, which results for the inputs mirror. */
  readonly inputsAreList: boolean;
  /** The name of each input in messages: "xs[0]", or "xs" for a single input. */
  readonly inputNames: readonly string[];
  readonly inputTypes: readonly TensorType[];
  /** The concrete inputs, or null when the call is symbolic. */
  readonly eager: readonly NDArray[] | null;
  /** The enclosing trace and the inputs' vars in it, when the call is symbolic. */
  readonly outer: { readonly trace: Trace; readonly xs: readonly Var[] } | null;
}

export interface InputList {
  readonly items: readonly unknown[];
  readonly isList: boolean;
  /** The argument name in messages: "xs" gives "xs[0]" or "xs". */
  readonly name: string;
  /** Names for each input in messages, in place of the ones derived from `name`. */
  readonly names?: readonly string[];
}

/** Splits the `xs` argument: an array is the list of inputs, anything else is one input. */
export function inputList(xs: unknown, name = 'xs'): InputList {
  return Array.isArray(xs) ? { items: [...xs], isList: true, name } : { items: [xs], isList: false, name };
}

export function prepare(api: string, func: unknown, inputs: InputList, options: FunctionalOptions | undefined): Prepared {
  requireFunction(api, func);
  if (inputs.items.length === 0) {
    throw new ArgumentError(`${api}: got no inputs (${inputs.name} is empty); pass one input per parameter of func.`);
  }
  checkArity(api, func, inputs.items.length, inputs.name);
  const inputNames = inputs.names ?? inputs.items.map((_, i) => (inputs.isList ? `${inputs.name}[${i}]` : inputs.name));
  const symbolic = inputs.items.some((x) => x instanceof Tensor);

  let ctx: Context;
  let eager: NDArray[] | null = null;
  let outer: Prepared['outer'] = null;
  let inputTypes: TensorType[];
  if (symbolic) {
    const trace = traceOf(api, inputs.items);
    // A symbolic call extends the enclosing trace, so it must use that trace's registry.
    ctx = resolveOptions(api, { ...options, registry: trace.registry });
    const xs = inputs.items.map((x, i) => {
      if (x instanceof Tensor) return x.variable;
      const array = toNDArray(x, `${api}: ${inputNames[i]}`);
      return operandVar(api, trace, array, array.dtype, inputNames[i]!);
    });
    inputTypes = xs.map((v) => ({ shape: v.shape, dtype: v.dtype }));
    outer = { trace, xs };
  } else {
    ctx = resolveOptions(api, options);
    eager = inputs.items.map((x, i) => toNDArray(x, `${api}: ${inputNames[i]}`));
    inputTypes = eager.map((a) => ({ shape: a.shape, dtype: a.dtype }));
  }
  inputTypes.forEach((t, i) =>
    requireFloatType(t, `${api}: ${inputNames[i]}`, "Pass float values, e.g. a Float64Array or NDArray.from(x, 'float64')."),
  );

  const traced = traceFunction(api, func, inputTypes, ctx.registry);
  traced.outputs.forEach((v, i) =>
    requireFloatType(
      v,
      `${api}: ${traced.returnsList ? `output ${i}` : 'the output'} of func`,
      "Cast it inside func, as y.cast('float64'), or leave it out of the returned values.",
    ),
  );
  return { api, ctx, traced, inputsAreList: inputs.isList, inputNames, inputTypes, eager, outer };
}

/**
 * Splits `value` to match a structure of `count` entries: a list when `isList`, else one value.
 * `label` names the argument ("v"), and `entry` names what each entry matches ("input", "output").
 */
export function splitLike(api: string, value: unknown, isList: boolean, count: number, label: string, entry: string): unknown[] {
  if (!isList) return [value];
  if (!Array.isArray(value)) {
    throw new ArgumentError(`${api}: ${label} must be a list with one value per ${entry} (${count}), got ${describeValue(value)}.`);
  }
  if (value.length !== count) {
    throw new ArgumentError(
      `${api}: ${label} has ${value.length} ${value.length === 1 ? 'entry' : 'entries'} but there are ${count} ${entry}s; pass one value per ${entry}. ` +
        `A single nested-array value must be wrapped in a list, as [${label}].`,
    );
  }
  return [...value];
}

/** Converts the tangents or cotangents `values` (one per entry of `types`) for an eager call; ones when absent. */
export function concreteVectors(
  api: string,
  values: unknown,
  isList: boolean,
  types: readonly TensorType[],
  names: readonly string[],
  entry: string,
): NDArray[] {
  if (values === undefined) return types.map((t) => NDArray.full(t.dtype, t.shape, 1));
  const items = splitLike(api, values, isList, types.length, 'v', entry);
  return items.map((v, i) => toMatching(v, types[i]!, `${api}: ${isList ? `v[${i}]` : 'v'}`, names[i]!));
}

/** Converts the tangents or cotangents for a symbolic call into vars of the enclosing trace; ones when absent. */
export function symbolicVectors(
  api: string,
  trace: Trace,
  values: unknown,
  isList: boolean,
  types: readonly TensorType[],
  names: readonly string[],
  entry: string,
): Var[] {
  if (values === undefined) return types.map((t) => native.fillConstant(trace.builder, t.shape, t.dtype, 1));
  const items = splitLike(api, values, isList, types.length, 'v', entry);
  return items.map((v, i) => {
    const label = `${api}: ${isList ? `v[${i}]` : 'v'}`;
    const t = types[i]!;
    if (v instanceof Tensor) {
      traceOf(api, [v]);
      if (v.trace !== trace) throw new ArgumentError(`${label} is a tensor of another traced function.`);
      if (formatShape(v.shape) !== formatShape(t.shape) || v.dtype !== t.dtype) {
        throw new ArgumentError(
          `${label} is ${v.dtype}${formatShape(v.shape)}, but ${names[i]} is ${t.dtype}${formatShape(t.shape)}; pass a value of that shape and dtype.`,
        );
      }
      return v.variable;
    }
    const array = toMatching(v, t, label, names[i]!);
    return operandVar(api, trace, array, t.dtype, label);
  });
}

/**
 * Emits into the enclosing trace the ops computing ys and the jvp (forward) or vjp (reverse)
 * of the traced function, reading `linearInputs` as the tangents or cotangents.
 */
export function inlineDerivative(prepared: Prepared, mode: Mode, linearInputs: readonly Var[]): { ys: Tensor[]; outs: Tensor[] } {
  const { traced, ctx } = prepared;
  const { trace, xs } = prepared.outer!;
  const derivative = symbolicDerivative(traced, ctx.registry, mode);
  const bindings = new Map<Var, Var>();
  derivative.xs.forEach((v, i) => bindings.set(v, xs[i]!));
  derivative.linearInputs.forEach((v, i) => bindings.set(v, linearInputs[i]!));
  const map = inlineBlock(trace.builder, derivative.block, bindings);
  const outTypes = mode === 'forward' ? derivative.ys : derivative.xs;
  const ys = derivative.ys.map((v) => new Tensor(map.get(v)!, trace));
  const outs = derivative.linearOutputs.map((v, i) => {
    const t = outTypes[i]!;
    return new Tensor(v ? map.get(v)! : native.fillConstant(trace.builder, t.shape, t.dtype, 0), trace);
  });
  return { ys, outs };
}

/** Throws unless the traced function has one output with one element (per batch element when `batched`). */
export function requireScalarOutput(api: string, traced: TracedFunction, batched: boolean): void {
  const [y] = traced.outputs;
  const ok =
    traced.outputs.length === 1 &&
    (batched ? y!.shape.length >= 1 && numel(y!.shape.slice(1)) === 1 : numel(y!.shape) === 1);
  if (!ok) {
    const expected = batched
      ? 'one tensor with a single element per batch element (shape [B] or [B, 1])'
      : 'one tensor with a single element (a scalar)';
    throw new ArgumentError(`${api}: func must return ${expected}, but it returned ${describeOutputs(traced)}.`);
  }
}
