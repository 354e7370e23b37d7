/** Element types a var can hold. WebGPU has no float64; a backend rejects what it cannot run. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Allocates a zero-filled typed array for `size` elements of `dtype` (bool is stored as 0/1 bytes). */
export function allocTypedArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Short form used by the text printer: f32, f64, i32, bool. */
export function dtypeShortName(dtype: DType): string {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'float64':
      return 'f64';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'bool';
  }
}
