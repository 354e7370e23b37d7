import type { DType, TypedArray } from '@primgrad/ir';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * Converts one number to `dtype`'s value domain, as `cast` does:
 * - bool: 1 for any non-zero value (NaN included, as in numpy), else 0;
 * - int32: truncates toward zero and saturates to [-2^31, 2^31 - 1]; NaN becomes 0;
 * - float32: rounds to nearest float32 (done by the Float32Array store);
 * - float64: unchanged.
 */
export function convertScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'int32':
      if (value !== value) return 0;
      if (value >= INT32_MAX) return INT32_MAX;
      if (value <= INT32_MIN) return INT32_MIN;
      return Math.trunc(value);
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
  }
}

/** Writes `src` converted to `dtype` (see convertScalar) into `dst`, element by element. */
export function convertInto(src: ArrayLike<number>, dst: TypedArray, dtype: DType): void {
  const n = src.length;
  switch (dtype) {
    case 'bool':
      for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
      return;
    case 'int32':
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        dst[i] = v !== v ? 0 : v >= INT32_MAX ? INT32_MAX : v <= INT32_MIN ? INT32_MIN : Math.trunc(v);
      }
      return;
    default:
      // Float32Array rounds to nearest on store; Float64Array keeps every value (int32 and bool
      // sources are exact in both).
      for (let i = 0; i < n; i++) dst[i] = src[i]!;
  }
}

/** Maps every element of a bool array to 0 or 1 in place (used after arithmetic on bools). */
export function normalizeBool(data: TypedArray): void {
  for (let i = 0; i < data.length; i++) data[i] = data[i] !== 0 ? 1 : 0;
}
