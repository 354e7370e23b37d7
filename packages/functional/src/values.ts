/**
 * @file Conversion of user values (numbers, nested arrays, typed arrays, NDArrays) to NDArrays,
 * with errors that name the argument, and the list conventions of the functional API.
 */
import {
  ArgumentError,
  NDArray,
  formatShape,
  isFloatDType,
  shapesEqual,
  type DType,
  type NestedArray,
  type TensorType,
  type TypedArray,
} from '@primgrad/ir';
import { describeValue, type Tensor } from './tensor.js';

export { describeValue };

/**
 * A concrete array value: a number (a 0-d float64 array), a boolean, a nested array of numbers
 * (float64), a Float32Array (float32), Float64Array (float64) or Int32Array (int32), or an NDArray.
 */
export type ArrayValue = number | boolean | NestedArray | TypedArray | NDArray;

/** An input of a functional API: a concrete array, or a traced tensor when called inside a traced function. */
export type Input = ArrayValue | Tensor;

const SUPPORTED = 'a number, a nested array of numbers, a Float32Array, Float64Array or Int32Array, or an NDArray';

/** Finds the first leaf of a nested array that is not a number or boolean; returns its index path. */
function badLeaf(value: unknown, path: number[] = []): { path: number[]; leaf: unknown } | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = badLeaf(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? null : { path, leaf: value };
}

function allBooleans(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 && value.every(allBooleans) : typeof value === 'boolean';
}

/**
 * Converts one concrete value to an NDArray. `label` names the argument in errors, as
 * "jvp: xs[0]". JS numbers become float64; nested booleans become bool.
 */
export function toNDArray(value: unknown, label: string): NDArray {
  if (value instanceof NDArray) return value;
  if (typeof value === 'number') return NDArray.from(value, 'float64');
  if (typeof value === 'boolean') return NDArray.from(value, 'bool');
  if (value instanceof Float32Array) return NDArray.from(value, 'float32');
  if (value instanceof Float64Array) return NDArray.from(value, 'float64');
  if (value instanceof Int32Array) return NDArray.from(value, 'int32');
  if (Array.isArray(value)) {
    const bad = badLeaf(value);
    if (bad) {
      throw new ArgumentError(
        `${label} is a nested array containing ${describeValue(bad.leaf)} at [${bad.path.join('][')}]; ` +
          `every element must be a number. Pass ${SUPPORTED}.`,
      );
    }
    try {
      return NDArray.from(value as NestedArray, allBooleans(value) ? 'bool' : 'float64');
    } catch (e) {
      throw new ArgumentError(`${label} is not a valid nested array: ${(e as Error).message}`);
    }
  }
  throw new ArgumentError(`${label} is ${describeValue(value)}, which is not a supported array value. Pass ${SUPPORTED}.`);
}

/**
 * Converts a tangent or cotangent for a value of type `like` (named `likeLabel` in errors): it is
 * converted to `like`'s dtype and must have its shape. A flat typed array of the right size takes the shape.
 */
export function toMatching(value: unknown, like: TensorType, label: string, likeLabel: string): NDArray {
  let array: NDArray;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const flat = toNDArray(value, label);
    if (flat.size !== like.shape.reduce((a, d) => a * d, 1)) {
      throw new ArgumentError(
        `${label} is a typed array of ${flat.size} elements, but ${likeLabel} has shape ${formatShape(like.shape)}; pass a value of that shape.`,
      );
    }
    array = NDArray.from(flat, like.dtype, like.shape);
  } else {
    array = toNDArray(value, label);
  }
  if (!shapesEqual(array.shape, like.shape)) {
    throw new ArgumentError(
      `${label} has shape ${formatShape(array.shape)}, but ${likeLabel} has shape ${formatShape(like.shape)}; pass a value of that shape.`,
    );
  }
  return array.dtype === like.dtype ? array : NDArray.from(array, like.dtype);
}

/** Throws unless `t` has a float dtype, which derivatives need. */
export function requireFloatType(t: TensorType, label: string, fix: string): void {
  if (!isFloatDType(t.dtype)) {
    throw new ArgumentError(
      `${label} is ${t.dtype}${formatShape(t.shape)}, which has no derivative: only float32 and float64 values can be differentiated. ${fix}`,
    );
  }
}

/** Returns the key of a trace cache entry: the dtypes and shapes of the inputs. */
export function signatureOf(types: readonly TensorType[]): string {
  return types.map((t) => `${t.dtype}${formatShape(t.shape)}`).join(';');
}

export function resultDType(types: readonly TensorType[]): DType {
  return types.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
}
