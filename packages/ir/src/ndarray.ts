import { allocTypedArray, isDType, type DType, type TypedArray } from './dtype.js';
import { ArgumentError } from './errors.js';
import { formatShape, isValidShape, numel, type Shape } from './shape.js';

/** A nested JS array of numbers (or booleans) of any depth, or a single number. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** A dense row-major array on the host: the value type backends read and write. */
export class NDArray {
  readonly shape: Shape;

  constructor(
    readonly dtype: DType,
    shape: Shape,
    readonly data: TypedArray,
  ) {
    this.shape = Object.freeze([...shape]);
    if (data.length !== numel(shape)) {
      throw new ArgumentError(`NDArray of shape ${formatShape(shape)} needs ${numel(shape)} elements, got ${data.length}.`);
    }
  }

  get size(): number {
    return this.data.length;
  }

  static zeros(dtype: DType, shape: Shape): NDArray {
    return new NDArray(dtype, shape, allocTypedArray(dtype, numel(shape)));
  }

  static full(dtype: DType, shape: Shape, value: number): NDArray {
    const a = NDArray.zeros(dtype, shape);
    a.data.fill(value);
    return a;
  }

  /**
   * Builds an array from a number, a nested array, a typed array or another NDArray. The shape
   * comes from the nesting unless given; a flat source needs `shape`. Values are converted to
   * `dtype`: float targets round as a Float32Array or Float64Array store does, but an int32
   * target takes only integers in the int32 range and a bool target only true/false or 0/1, so
   * no value is silently truncated, wrapped or zeroed. Convert explicitly first for a lossy cast.
   */
  static from(value: NestedArray | TypedArray | NDArray, dtype: DType, shape?: Shape): NDArray {
    if (!isDType(dtype)) throw new ArgumentError(`Unknown dtype ${JSON.stringify(dtype)}; use float32, float64, int32 or bool.`);
    if (value instanceof NDArray) {
      const target = shape ?? value.shape;
      if (numel(target) !== value.size) {
        throw new ArgumentError(`Cannot view an array of shape ${formatShape(value.shape)} as ${formatShape(target)}.`);
      }
      return new NDArray(dtype, target, convertValues(value.data, dtype, target));
    }
    if (ArrayBuffer.isView(value)) {
      const view: ArrayBufferView = value;
      if (view instanceof DataView || view instanceof BigInt64Array || view instanceof BigUint64Array) {
        throw new ArgumentError(`Cannot convert a ${view.constructor.name} to ${dtype}; pass a typed array of Numbers, such as a Float64Array.`);
      }
      const flat = value as TypedArray;
      const target = shape ?? [flat.length];
      if (!isValidShape(target) || numel(target) !== flat.length) {
        throw new ArgumentError(`A typed array of ${flat.length} elements does not fit shape ${formatShape(target ?? [])}.`);
      }
      return new NDArray(dtype, target, convertValues(flat, dtype, target));
    }
    const inferred = nestedShape(value);
    const flat: number[] = [];
    flatten(value, inferred, 0, flat);
    if (shape && numel(shape) !== flat.length) {
      throw new ArgumentError(`A nested array of shape ${formatShape(inferred)} does not fit shape ${formatShape(shape)}.`);
    }
    const target = shape ?? inferred;
    return new NDArray(dtype, target, convertValues(flat, dtype, target));
  }

  /** Returns the values as nested JS arrays (a plain number for a 0-d array). */
  toNested(): NestedArray {
    const values = Array.from(this.data as ArrayLike<number>, (x) => (this.dtype === 'bool' ? x !== 0 : x));
    if (this.shape.length === 0) return values[0]!;
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const inner = numel(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(dim === this.shape.length - 1 ? values[offset + i]! : build(dim + 1, offset + i * inner));
      }
      return out;
    };
    return build(0, 0);
  }

  /** Returns the values as nested JS arrays (a plain number for a 0-d array); the same as toNested(). */
  arraySync(): NestedArray {
    return this.toNested();
  }

  /** Resolves to the values as nested JS arrays, for code written against asynchronous device arrays. */
  async array(): Promise<NestedArray> {
    return this.toNested();
  }

  /**
   * Returns a copy of the row-major values as a typed array. The `data` field is the array
   * itself; a method named `data()` cannot sit beside it, so there is no asynchronous twin.
   */
  dataSync(): TypedArray {
    return this.data.slice();
  }

  /** Returns the single element of a one-element array. */
  item(): number {
    if (this.size !== 1) throw new ArgumentError(`item() needs a one-element array, got shape ${formatShape(this.shape)}.`);
    return this.data[0]!;
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Returns why `value` cannot be stored exactly as `dtype`, or null when it can. */
function inexactReason(value: number, dtype: DType): string | null {
  if (dtype === 'int32') {
    if (Number.isNaN(value)) return 'which int32 cannot hold';
    if (!Number.isInteger(value) && Number.isFinite(value)) return 'which is not an integer';
    if (!(value >= INT32_MIN && value <= INT32_MAX)) return `which is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`;
    return null;
  }
  if (dtype === 'bool' && value !== 0 && value !== 1) return 'but bool takes only true/false or 0/1';
  return null;
}

/** Copies `values` into a new typed array of `dtype`, rejecting the first value that int32 or bool cannot hold exactly. */
function convertValues(values: ArrayLike<number>, dtype: DType, shape: Shape): TypedArray {
  const data = allocTypedArray(dtype, values.length);
  const exact = dtype === 'int32' || dtype === 'bool';
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const reason = exact ? inexactReason(x, dtype) : null;
    if (reason !== null) {
      const where = shape.length > 1 ? ` (index [${unravel(i, shape).join(',')}] of shape ${formatShape(shape)})` : '';
      const fix =
        dtype === 'int32'
          ? 'Round the values first (Math.round or Math.trunc) and keep them in range, or use a float dtype.'
          : 'Pass booleans, or compare the values first (for example x !== 0).';
      throw new ArgumentError(`Cannot convert to ${dtype}: the value at flat index ${i}${where} is ${String(x)}, ${reason}. ${fix}`);
    }
    data[i] = x;
  }
  return data;
}

function unravel(flatIndex: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  let rest = flatIndex;
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = rest % shape[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  return index;
}

function nestedShape(value: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = value;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  return shape;
}

function flatten(value: NestedArray, shape: readonly number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof value === 'number') out.push(value);
    else if (typeof value === 'boolean') out.push(value ? 1 : 0);
    else throw new ArgumentError(`Nested array is ragged or holds a non-number at depth ${depth}: expected shape ${formatShape(shape)}.`);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    throw new ArgumentError(`Nested array is ragged at depth ${depth}: expected shape ${formatShape(shape)}.`);
  }
  for (const item of value) flatten(item, shape, depth + 1, out);
}
