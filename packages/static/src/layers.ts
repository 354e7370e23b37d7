import {
  ArgumentError,
  NDArray,
  isDType,
  isValidShape,
  numel,
  type DType,
  type NestedArray,
  type Var,
} from '@primgrad/ir';
import { builderFor, defaultMainProgram, defaultStartupProgram } from './context.js';

function checkShape(what: string, shape: unknown): number[] {
  if (Array.isArray(shape) && shape.some((d) => d === -1 || d === null)) {
    throw new ArgumentError(
      `${what}: shape ${JSON.stringify(shape)} has an unknown dim; shapes are static here, so give every dim (the batch size too).`,
    );
  }
  if (!isValidShape(shape)) throw new ArgumentError(`${what}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}.`);
  return [...shape];
}

function checkDType(what: string, dtype: unknown): DType {
  if (!isDType(dtype)) throw new ArgumentError(`${what}: dtype must be float32, float64, int32 or bool, got ${JSON.stringify(dtype)}.`);
  return dtype;
}

/** Declares a program input named `name`, fed at run time. Like every var it starts with stopGradient set. */
export function data(name: string, shape: readonly number[], dtype: DType = 'float32'): Var {
  const block = defaultMainProgram().globalBlock();
  return block.createVar({ name, shape: checkShape(`data('${name}')`, shape), dtype: checkDType(`data('${name}')`, dtype), isData: true });
}

/** The rule for a parameter's first value; the op that computes it goes into the startup program. */
export type Initializer =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number; readonly seed?: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number; readonly seed?: number }
  | { readonly kind: 'xavierUniform'; readonly seed?: number }
  | { readonly kind: 'assign'; readonly values: NestedArray | NDArray };

export const constantInit = (value: number): Initializer => ({ kind: 'constant', value });
export const uniformInit = (low: number, high: number, seed?: number): Initializer => ({ kind: 'uniform', low, high, seed });
export const normalInit = (mean: number, std: number, seed?: number): Initializer => ({ kind: 'normal', mean, std, seed });
/** Glorot and Bengio (2010): uniform in ±sqrt(6 / (fanIn + fanOut)). */
export const xavierUniformInit = (seed?: number): Initializer => ({ kind: 'xavierUniform', seed });
export const assignInit = (values: NestedArray | NDArray): Initializer => ({ kind: 'assign', values });

export interface ParameterOptions {
  name?: string;
  /** A bias starts at zero unless an initializer is given; a weight starts Xavier-uniform. */
  isBias?: boolean;
  initializer?: Initializer;
  /** Set to false to freeze the parameter: optimizers then leave it alone. */
  trainable?: boolean;
}

let parameterSeed = 0;

/**
 * Creates a trainable parameter in the current main program, and the op that initializes it
 * in the current startup program. Run the startup program once before the main program.
 */
export function createParameter(shape: readonly number[], dtype: DType = 'float32', options: ParameterOptions = {}): Var {
  const dims = checkShape('createParameter', shape);
  const type = checkDType('createParameter', dtype);
  const main = defaultMainProgram().globalBlock();
  const param = main.createVar(
    { name: options.name, shape: dims, dtype: type, persistable: true, isParameter: true, stopGradient: options.trainable === false },
    options.isBias ? 'bias' : 'param',
  );
  const init = options.initializer ?? (options.isBias ? constantInit(0) : xavierUniformInit());
  const startup = defaultStartupProgram().globalBlock();
  const target = startup.hasVar(param.name)
    ? startup.var(param.name)
    : startup.createVar({ name: param.name, shape: dims, dtype: type, persistable: true, isParameter: true });
  const b = builderFor(startup);
  const common = { shape: dims, dtype: type };
  const seed = (s: number | undefined): number => s ?? ++parameterSeed;
  switch (init.kind) {
    case 'constant':
      b.emitInto('fill_constant', [], [target], { ...common, value: init.value });
      break;
    case 'uniform':
      b.emitInto('uniform_random', [], [target], { ...common, min: init.low, max: init.high, seed: seed(init.seed) });
      break;
    case 'normal':
      b.emitInto('gaussian_random', [], [target], { ...common, mean: init.mean, std: init.std, seed: seed(init.seed) });
      break;
    case 'xavierUniform': {
      const fanIn = dims.length >= 2 ? dims[dims.length - 2]! : (dims[0] ?? 1);
      const fanOut = dims.length >= 2 ? dims[dims.length - 1]! : (dims[0] ?? 1);
      const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
      b.emitInto('uniform_random', [], [target], { ...common, min: -limit, max: limit, seed: seed(init.seed) });
      break;
    }
    case 'assign': {
      const values = NDArray.from(init.values, type);
      if (numel(values.shape) !== numel(dims)) {
        throw new ArgumentError(
          `createParameter('${param.name}'): initializer values have shape [${values.shape.join(',')}], the parameter is [${dims.join(',')}].`,
        );
      }
      b.emitInto('assign_value', [], [target], { ...common, values: Array.from(values.data as ArrayLike<number>) });
      break;
    }
  }
  return param;
}
