import type { DType, Shape } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { FLOAT_DTYPES, expectArray, numelOf, roundTo, runOp, testData, unravel } from './test-helpers.js';

/**
 * Reference reduction: for every input element, finds its result element by dropping (or zeroing,
 * with keepdim) the reduced coordinates, and folds it in with `fold`.
 */
function refReduce(
  x: readonly number[],
  shape: Shape,
  axis: readonly number[] | null,
  keepdim: boolean,
  fold: (values: number[]) => number,
): { data: number[]; shape: number[] } {
  const axes = axis === null ? shape.map((_, i) => i) : axis.map((a) => (a < 0 ? a + shape.length : a));
  const outShape = keepdim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const keptShape = shape.filter((_, i) => !axes.includes(i));
  const groups: number[][] = Array.from({ length: numelOf(keptShape) }, () => []);
  for (let i = 0; i < x.length; i++) {
    const kept = unravel(i, shape).filter((_, d) => !axes.includes(d));
    let g = 0;
    for (let d = 0; d < keptShape.length; d++) g = g * keptShape[d]! + kept[d]!;
    groups[g]!.push(x[i]!);
  }
  return { data: groups.map(fold), shape: outShape };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

const CASES: [Shape, (number[] | null)[]][] = [
  [[], [null, []]],
  [[1], [null, [0], [-1]]],
  [[5], [null, [0], []]],
  [[2, 3], [null, [0], [1], [-1], [0, 1], [-2, -1]]],
  [[1, 3, 1], [null, [0], [2], [0, 2], [1]]],
  [[2, 3, 4], [null, [0], [1], [2], [0, 2], [1, 2], [0, 1], [2, 0, 1]]],
  [[3, 1, 2, 4], [[1, 3], [0, 2], [-3]]],
  [[0, 3], [null, [0], [1]]],
  [[2, 0, 2], [[1], [0, 2]]],
];

const TOL = (dtype: DType) => (dtype === 'float32' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 });

describe('reduce_sum and reduce_mean', () => {
  for (const dtype of FLOAT_DTYPES) {
    for (const [shape, axes] of CASES) {
      for (const axis of axes) {
        for (const keepdim of [false, true]) {
          const label = `${dtype} [${shape}] axis ${JSON.stringify(axis)}${keepdim ? ' keepdim' : ''}`;
          const x = testData(numelOf(shape), dtype, 61);
          it(`reduce_sum ${label}`, () => {
            const ref = refReduce(x, shape, axis, keepdim, sum);
            const out = runOp('reduce_sum', [{ shape, dtype, data: x }], { axis, keepdim });
            expectArray(out, ref.data.map((v) => roundTo(v, dtype)), ref.shape, dtype, TOL(dtype));
          });
          it(`reduce_mean ${label}`, () => {
            const ref = refReduce(x, shape, axis, keepdim, (v) => sum(v) / v.length);
            const out = runOp('reduce_mean', [{ shape, dtype, data: x }], { axis, keepdim });
            expectArray(out, ref.data.map((v) => roundTo(v, dtype)), ref.shape, dtype, TOL(dtype));
          });
        }
      }
    }
  }

  it('sums of an empty axis are 0 and means are NaN', () => {
    expectArray(runOp('reduce_sum', [{ shape: [0, 2], dtype: 'float64', data: [] }], { axis: [0], keepdim: false }), [0, 0], [2], 'float64');
    expectArray(runOp('reduce_mean', [{ shape: [0, 2], dtype: 'float64', data: [] }], { axis: [0], keepdim: false }), [NaN, NaN], [2], 'float64');
  });

  it('accepts a single number as axis, as shape inference does', () => {
    const out = runOp('reduce_sum', [{ shape: [2, 2], dtype: 'float64', data: [1, 2, 3, 4] }], { axis: 1, keepdim: false });
    expectArray(out, [3, 7], [2], 'float64');
  });

  it('accumulates float32 in float64 and rounds once', () => {
    // 2^24 + 1 + 1 + ... is not representable step by step in float32 but the total is.
    const data = [16777216, ...Array.from({ length: 8 }, () => 1)];
    const out = runOp('reduce_sum', [{ shape: [9], dtype: 'float32', data }], { axis: null, keepdim: false });
    expect(out.item()).toBe(16777224);
  });
});

/** True when every reduced axis of `shape` has elements, so a maximum exists. */
const hasMaximum = (shape: Shape, axis: readonly number[] | null): boolean =>
  (axis === null ? shape.map((_, i) => i) : axis.map((a) => (a < 0 ? a + shape.length : a))).every((a) => shape[a]! > 0);

describe('reduce_max and logsumexp', () => {
  for (const dtype of FLOAT_DTYPES) {
    for (const [shape, axes] of CASES) {
      for (const axis of axes) {
        for (const keepdim of [false, true]) {
          const label = `${dtype} [${shape}] axis ${JSON.stringify(axis)}${keepdim ? ' keepdim' : ''}`;
          const x = testData(numelOf(shape), dtype, 83, -3, 3);
          if (hasMaximum(shape, axis)) {
            it(`reduce_max ${label}`, () => {
              const ref = refReduce(x, shape, axis, keepdim, (v) => Math.max(...v));
              const out = runOp('reduce_max', [{ shape, dtype, data: x }], { axis, keepdim });
              expectArray(out, ref.data, ref.shape, dtype);
            });
          }
          it(`logsumexp ${label}`, () => {
            // The direct formula is safe for elements in [-3, 3]; an empty group gives log(0) = -Infinity.
            const ref = refReduce(x, shape, axis, keepdim, (v) => Math.log(sum(v.map(Math.exp))));
            const out = runOp('logsumexp', [{ shape, dtype, data: x }], { axis, keepdim });
            expectArray(out, ref.data.map((v) => roundTo(v, dtype)), ref.shape, dtype, dtype === 'float32' ? { rtol: 2e-7, atol: 1e-7 } : { rtol: 1e-14, atol: 1e-15 });
          });
        }
      }
    }
  }

  it('reduce_max propagates NaN and handles infinities', () => {
    const out = runOp('reduce_max', [{ shape: [4, 2], dtype: 'float64', data: [NaN, 1, 2, NaN, -Infinity, -Infinity, -Infinity, Infinity] }], {
      axis: [1],
      keepdim: false,
    });

    expectArray(out, [NaN, NaN, -Infinity, Infinity], [4], 'float64');
  });

  it('reduce_max rejects an empty reduced axis', () => {
    expect(() => runOp('reduce_max', [{ shape: [0, 2], dtype: 'float64', data: [] }], { axis: [0], keepdim: false })).toThrow(
      /reduce_max: axis 0 has size 0, and the maximum of no elements is undefined/,
    );
  });

  it('logsumexp of large values does not overflow', () => {
    const out = runOp('logsumexp', [{ shape: [2, 3], dtype: 'float64', data: [1000, 1001, 1002, -1000, -1000, -1000] }], { axis: [1], keepdim: false });

    expectArray(out, [1002 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), -1000 + Math.log(3)], [2], 'float64', { rtol: 1e-15 });
  });

  it('logsumexp with -Infinity, +Infinity and NaN elements', () => {
    const data = [-Infinity, 0, Math.log(3), -Infinity, -Infinity, -Infinity, Infinity, 0, 1, NaN, 0, 1];
    const out = runOp('logsumexp', [{ shape: [4, 3], dtype: 'float64', data }], { axis: [1], keepdim: false });

    expectArray(out, [Math.log(4), -Infinity, Infinity, NaN], [4], 'float64', { rtol: 1e-15 });
  });

  it('logsumexp in float32 near the float32 overflow of exp', () => {
    const out = runOp('logsumexp', [{ shape: [2], dtype: 'float32', data: [100, 100] }], { axis: null, keepdim: false });

    expect(out.item()).toBe(Math.fround(100 + Math.log(2)));
  });
});

describe('p_norm', () => {
  for (const dtype of FLOAT_DTYPES) {
    for (const porder of [1, 2, 3, 0.5, 7.5]) {
      for (const [shape, axes] of CASES) {
        for (const axis of axes) {
          for (const keepdim of [false, true]) {
            it(`p_norm p=${porder} ${dtype} [${shape}] axis ${JSON.stringify(axis)}${keepdim ? ' keepdim' : ''}`, () => {
              const x = testData(numelOf(shape), dtype, 71, -3, 3);
              const ref = refReduce(x, shape, axis, keepdim, (v) => Math.pow(sum(v.map((a) => Math.pow(Math.abs(a), porder))), 1 / porder));
              const out = runOp('p_norm', [{ shape, dtype, data: x }], { porder, axis, keepdim });
              expectArray(out, ref.data.map((v) => roundTo(v, dtype)), ref.shape, dtype, dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 });
            });
          }
        }
      }
    }
  }

  it('defaults to the 2-norm of every element', () => {
    const out = runOp('p_norm', [{ shape: [2, 2], dtype: 'float64', data: [3, 0, 0, -4] }], {});
    expectArray(out, [5], [], 'float64');
  });

  it('does not overflow or underflow for extreme magnitudes', () => {
    const big = runOp('p_norm', [{ shape: [2], dtype: 'float64', data: [1e200, -1e200] }], { porder: 2, axis: null, keepdim: false });
    expect(big.item()).toBeCloseTo(Math.SQRT2 * 1e200, -188);
    const big10 = runOp('p_norm', [{ shape: [2], dtype: 'float64', data: [1e40, 1e40] }], { porder: 10, axis: null, keepdim: false });
    expect(big10.item() / (2 ** 0.1 * 1e40)).toBeCloseTo(1, 12);
    const tiny = runOp('p_norm', [{ shape: [2], dtype: 'float64', data: [3e-200, 4e-200] }], { porder: 2, axis: null, keepdim: false });
    expect(tiny.item() / 5e-200).toBeCloseTo(1, 12);
    const f32 = runOp('p_norm', [{ shape: [2], dtype: 'float32', data: [3e30, 4e30] }], { porder: 2, axis: null, keepdim: false });
    expect(f32.item()).toBe(Math.fround(5e30));
  });

  it('gives NaN for NaN, Infinity for an infinite element, and 0 for zeros or an empty group', () => {
    const out = runOp('p_norm', [{ shape: [4, 2], dtype: 'float64', data: [NaN, 1, Infinity, 1, 0, 0, -Infinity, NaN] }], {
      porder: 3,
      axis: [1],
      keepdim: false,
    });
    expectArray(out, [NaN, Infinity, 0, NaN], [4], 'float64');
    const empty = runOp('p_norm', [{ shape: [0], dtype: 'float64', data: [] }], { porder: 2, axis: null, keepdim: false });
    expectArray(empty, [0], [], 'float64');
    const l1 = runOp('p_norm', [{ shape: [3], dtype: 'float64', data: [NaN, 1, Infinity] }], { porder: 1, axis: null, keepdim: false });
    expectArray(l1, [NaN], [], 'float64');
  });
});
