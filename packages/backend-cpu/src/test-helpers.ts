/**
 * @file Helpers for this package's tests (not published): building one-op programs, running them
 * on a CPUPlace, deterministic test data, and the index arithmetic the reference implementations
 * in the tests use. Nothing here calls a kernel directly.
 */
import { Builder, NDArray, Program, Scope, createRegistry, type Attrs, type DType, type Registry, type Shape } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { expect } from 'vitest';
import { CPUPlace } from './executor.js';
import { backendCpuPlugin } from './plugin.js';

export const registry: Registry = createRegistry([origOpsPlugin, backendCpuPlugin]);

export const FLOAT_DTYPES = ['float32', 'float64'] as const;

export function numelOf(shape: Shape): number {
  return shape.reduce((a, d) => a * d, 1);
}

/** Multi-index of flat position `i` in a row-major array of `shape`. */
export function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

/** Flat position of multi-index `idx` in a row-major array of `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + idx[d]!;
  return i;
}

/** Flat position in an array of `shape` read at output multi-index `outIdx` under numpy broadcasting. */
export function broadcastIndex(outIdx: readonly number[], shape: Shape): number {
  const offset = outIdx.length - shape.length;
  return ravel(
    shape.map((d, k) => (d === 1 ? 0 : outIdx[k + offset]!)),
    shape,
  );
}

/** A small deterministic generator for test data (a 32-bit LCG), independent of the kernels' PRNG. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Values of `dtype` in [lo, hi) (integers for int32, 0/1 for bool), rounded to float32 for float32. */
export function testData(size: number, dtype: DType, seed: number, lo = -2, hi = 2): number[] {
  const r = lcg(seed);
  return Array.from({ length: size }, () => {
    const u = lo + (hi - lo) * r();
    if (dtype === 'int32') return Math.floor(u);
    if (dtype === 'bool') return r() < 0.5 ? 0 : 1;
    return dtype === 'float32' ? Math.fround(u) : u;
  });
}

/** Rounds a reference result to what `dtype` can hold. */
export function roundTo(value: number, dtype: DType): number {
  if (dtype === 'float32') return Math.fround(value);
  if (dtype === 'int32') return value | 0;
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  return value;
}

export interface Input {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: readonly number[];
}

/** Builds a program with one op of `type` over data vars holding `inputs`, runs it on a CPUPlace. */
export function runOp(type: string, inputs: readonly Input[], attrs: Attrs = {}): NDArray {
  const p = new Program();
  const block = p.globalBlock();
  const b = new Builder(block, registry);
  const feed = new Map<string, NDArray>();
  const vars = inputs.map((x, i) => {
    const v = block.createVar({ name: `in${i}`, shape: x.shape, dtype: x.dtype, isData: true });
    feed.set(v.name, NDArray.from(Float64Array.from(x.data), x.dtype, x.shape));
    return v;
  });
  const out = b.emit1(type, vars, attrs);
  const [result] = new CPUPlace().run({ block, registry, scope: new Scope(), feed, fetch: [out] }) as NDArray[];
  return result!;
}

const TYPED: Record<DType, unknown> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/**
 * Checks `actual` against `expected` values and `shape`. `rtol` 0 asks for exact equality (NaN
 * equals NaN); otherwise |a - e| <= atol + rtol * |e|, with infinities required to match exactly.
 */
export function expectArray(
  actual: NDArray,
  expected: readonly number[],
  shape: Shape,
  dtype: DType,
  tol: { rtol?: number; atol?: number } = {},
): void {
  expect(actual.dtype).toBe(dtype);
  expect(actual.data).toBeInstanceOf(TYPED[dtype]);
  expect([...actual.shape]).toEqual([...shape]);
  expect(actual.size).toBe(expected.length);
  const rtol = tol.rtol ?? 0;
  const atol = tol.atol ?? 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual.data[i]!;
    const e = expected[i]!;
    const ok =
      (Number.isNaN(a) && Number.isNaN(e)) ||
      a === e ||
      (Number.isFinite(e) && Math.abs(a - e) <= atol + rtol * Math.abs(e));
    if (!ok) {
      throw new Error(`element ${i} (index [${unravel(i, shape).join(',')}]) is ${a}, expected ${e} (shape [${shape.join(',')}], ${dtype})`);
    }
  }
}
