/**
 * @file Tracing a JS function into a program of native ops, once per input signature, and the
 * block copies that the derivative pipelines start from.
 */
import {
  ArgumentError,
  NDArray,
  Op,
  Program,
  formatShape,
  type Block,
  type Builder,
  type Registry,
  type TensorType,
  type Var,
} from '@primgrad/ir';
import { Tensor, Trace } from './tensor.js';
import { describeValue, signatureOf } from './values.js';

/** A function a functional API differentiates: traced tensors in, one tensor or a list of them out. */
export type TensorFunction = (...xs: Tensor[]) => Tensor | readonly Tensor[];

/** A function traced for one input signature. */
export interface TracedFunction {
  readonly program: Program;
  /** The data vars standing for the function's arguments, named x0, x1, ... */
  readonly inputs: readonly Var[];
  readonly outputs: readonly Var[];
  /** True when the function returned an array, false when it returned one tensor. */
  readonly returnsList: boolean;
  /** Programs derived from this trace (linearized, split, batched), built once each, by kind. */
  readonly derived: Map<string, unknown>;
}

const traces = new WeakMap<Function, WeakMap<Registry, Map<string, TracedFunction>>>();

/** Throws unless `func` is a function. */
export function requireFunction(api: string, func: unknown): asserts func is TensorFunction {
  if (typeof func !== 'function') {
    throw new ArgumentError(`${api}: func must be a function of traced tensors, got ${describeValue(func)}.`);
  }
}

/**
 * Throws when `func` declares a number of parameters other than `count`. A nested array passed
 * where the list of inputs belongs is the usual cause, so the message explains how to wrap it.
 */
export function checkArity(api: string, func: TensorFunction, count: number, name: string): void {
  if (func.length === 0 || func.length === count) return;
  const hint =
    name === 'xs'
      ? ' xs is the list of inputs, one per parameter: wrap a single nested-array input in a list, as [x].'
      : ' Pass one argument per parameter.';
  throw new ArgumentError(
    `${api}: func declares ${func.length} parameter(s) but ${name} contains ${count} input(s).${hint} ` +
      'A function with default parameters counts only those before the first default.',
  );
}

/**
 * Returns the trace of `func` for inputs of `types`, tracing it on first use. Traces are cached
 * per function, registry and signature, so `func` must be pure: values it reads from its
 * closure are baked into the first trace as constants.
 */
export function traceFunction(api: string, func: TensorFunction, types: readonly TensorType[], registry: Registry): TracedFunction {
  let byRegistry = traces.get(func);
  if (!byRegistry) {
    byRegistry = new WeakMap();
    traces.set(func, byRegistry);
  }
  let bySignature = byRegistry.get(registry);
  if (!bySignature) {
    bySignature = new Map();
    byRegistry.set(registry, bySignature);
  }
  const key = signatureOf(types);
  let traced = bySignature.get(key);
  if (!traced) {
    traced = traceOnce(api, func, types, registry);
    bySignature.set(key, traced);
  }
  return traced;
}

function traceOnce(api: string, func: TensorFunction, types: readonly TensorType[], registry: Registry): TracedFunction {
  const program = new Program();
  const block = program.globalBlock();
  const inputs = types.map((t, i) => block.createVar({ name: `x${i}`, shape: t.shape, dtype: t.dtype, isData: true }));
  const trace = new Trace(block, registry);
  let result: unknown;
  try {
    result = func(...inputs.map((v) => new Tensor(v, trace)));
  } finally {
    trace.active = false;
  }
  const returnsList = Array.isArray(result);
  const items: unknown[] = returnsList ? [...(result as unknown[])] : [result];
  if (items.length === 0) {
    throw new ArgumentError(`${api}: func returned an empty array; return a traced tensor or a non-empty array of them.`);
  }
  const outputs = items.map((item, i) => {
    const where = returnsList ? `output ${i}` : 'its result';
    if (!(item instanceof Tensor)) {
      const hint =
        item instanceof NDArray || typeof item === 'number' || Array.isArray(item)
          ? ' A concrete value does not depend on the inputs: compute outputs from the traced tensors func receives.'
          : '';
      throw new ArgumentError(
        `${api}: func must return a traced tensor or an array of them, but ${where} is ${describeValue(item)}.${hint}`,
      );
    }
    if (item.trace !== trace) {
      throw new ArgumentError(
        `${api}: ${where} (${item.toString()}) was computed in another traced function, not from the inputs of this one.`,
      );
    }
    return item.variable;
  });
  return { program, inputs, outputs, returnsList, derived: new Map() };
}

/** Describes the outputs of a trace for messages, as "float64[2,2], float64[3]". */
export function describeOutputs(traced: TracedFunction): string {
  return traced.outputs.map((v) => `${v.dtype}${formatShape(v.shape)}`).join(', ');
}

/** Copies `source` into a new program; vars keep their names and flags. Returns the old-to-new var map. */
export function cloneBlock(source: Block): { program: Program; block: Block; map: Map<Var, Var> } {
  const program = new Program();
  const block = program.globalBlock();
  const map = new Map<Var, Var>();
  for (const v of source.vars.values()) {
    map.set(
      v,
      block.createVar({
        name: v.name,
        shape: v.shape,
        dtype: v.dtype,
        persistable: v.persistable,
        isParameter: v.isParameter,
        isData: v.isData,
        stopGradient: v.stopGradient,
      }),
    );
  }
  for (const op of source.ops) {
    block.appendOp(new Op(op.type, op.inputs.map((v) => map.get(v)!), op.outputs.map((v) => map.get(v)!), op.attrs));
  }
  return { program, block, map };
}

/**
 * Emits the ops of `block` through `builder`, reading `bindings` in place of the vars they map
 * (the block's inputs). Returns the map from every var of `block` to its var in the target.
 */
export function inlineBlock(builder: Builder, block: Block, bindings: ReadonlyMap<Var, Var>): Map<Var, Var> {
  const map = new Map(bindings);
  for (const op of block.ops) {
    const inputs = op.inputs.map((v) => {
      const bound = map.get(v);
      if (!bound) throw new ArgumentError(`Inlining op '${op.type}': input '${v.name}' has no value in the enclosing trace.`);
      return bound;
    });
    const outputs = builder.emit(op.type, inputs, op.attrs);
    op.outputs.forEach((v, i) => map.set(v, outputs[i]!));
  }
  return map;
}
