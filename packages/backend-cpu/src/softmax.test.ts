import type { DType, Shape } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { FLOAT_DTYPES, expectArray, numelOf, ravel, roundTo, runOp, testData, unravel } from './test-helpers.js';

/**
 * Reference: applies `f` to every line of x along `axis` (the elements that share all other
 * coordinates), by explicit index math, and writes the results back in place.
 */
function refAlongAxis(x: readonly number[], shape: Shape, axis: number, f: (line: number[]) => number[]): number[] {
  const a = axis < 0 ? axis + shape.length : axis;
  const out = new Array<number>(x.length).fill(NaN);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape);
    if (idx[a] !== 0) continue;
    const positions = Array.from({ length: shape[a]! }, (_, k) => ravel(idx.map((v, d) => (d === a ? k : v)), shape));
    const values = f(positions.map((p) => x[p]!));
    positions.forEach((p, k) => (out[p] = values[k]!));
  }
  return out;
}

// Direct formulas, safe for the elements in [-3, 3] that the table draws.
const softmaxRef = (line: number[]) => {
  const total = line.reduce((s, v) => s + Math.exp(v), 0);
  return line.map((v) => Math.exp(v) / total);
};
const logSoftmaxRef = (line: number[]) => {
  const logTotal = Math.log(line.reduce((s, v) => s + Math.exp(v), 0));
  return line.map((v) => v - logTotal);
};

const CASES: [Shape, number[]][] = [
  [[1], [0, -1]],
  [[5], [0, -1]],
  [[2, 3], [0, 1, -1, -2]],
  [[2, 3, 4], [0, 1, 2, -1]],
  [[3, 1, 2], [1]],
  [[2, 0], [0, 1]],
  [[0, 3], [1]],
];

const TOL = (dtype: DType) => (dtype === 'float32' ? { rtol: 2e-7, atol: 1e-7 } : { rtol: 1e-14, atol: 1e-15 });

describe('softmax and log_softmax', () => {
  for (const [op, ref] of [
    ['softmax', softmaxRef],
    ['log_softmax', logSoftmaxRef],
  ] as const) {
    for (const dtype of FLOAT_DTYPES) {
      for (const [shape, axes] of CASES) {
        for (const axis of axes) {
          it(`${op} ${dtype} [${shape}] axis ${axis}`, () => {
            const x = testData(numelOf(shape), dtype, 97, -3, 3);
            const out = runOp(op, [{ shape, dtype, data: x }], { axis });
            expectArray(out, refAlongAxis(x, shape, axis, ref).map((v) => roundTo(v, dtype)), shape, dtype, TOL(dtype));
          });
        }
      }
    }
  }

  // Groups are the elements that share every coordinate off the listed axes.
  const GROUPED: [Shape, number[] | null][] = [
    [[2, 3], null],
    [[2, 3, 4], [0, 2]],
    [[2, 3, 4], [-1, 1]],
    [[2, 3, 4], [0, 1, 2]],
    [[2, 3], []],
    [[], null],
    [[2, 0, 3], [1, 2]],
  ];

  /** Reference: applies `f` to each group of x over `axes` (null: every axis), by explicit index math. */
  function refOverAxes(x: readonly number[], shape: Shape, axes: readonly number[] | null, f: (group: number[]) => number[]): number[] {
    const listed = (axes ?? shape.map((_, i) => i)).map((a) => (a < 0 ? a + shape.length : a));
    const groups = new Map<string, number[]>();
    for (let i = 0; i < x.length; i++) {
      const key = unravel(i, shape).filter((_, d) => !listed.includes(d)).join(',');
      groups.set(key, [...(groups.get(key) ?? []), i]);
    }
    const out = new Array<number>(x.length).fill(NaN);
    for (const positions of groups.values()) {
      const values = f(positions.map((p) => x[p]!));
      positions.forEach((p, k) => (out[p] = values[k]!));
    }
    return out;
  }

  for (const [op, ref] of [
    ['softmax', softmaxRef],
    ['log_softmax', logSoftmaxRef],
  ] as const) {
    for (const [shape, axis] of GROUPED) {
      it(`${op} float64 [${shape}] over ${axis === null ? 'every axis' : `axes [${axis}]`}`, () => {
        const x = testData(numelOf(shape), 'float64', 31, -3, 3);
        const out = runOp(op, [{ shape, dtype: 'float64', data: x }], { axis });
        expectArray(out, refOverAxes(x, shape, axis, ref), shape, 'float64', TOL('float64'));
      });
    }
  }

  it('default to the last axis', () => {
    const out = runOp('softmax', [{ shape: [2, 2], dtype: 'float64', data: [0, 0, 0, Math.log(3)] }], {});

    expectArray(out, [0.5, 0.5, 0.25, 0.75], [2, 2], 'float64', { rtol: 1e-15 });
  });

  it('are finite for large values', () => {
    // Shifting every element by the same amount leaves both unchanged.
    const x = { shape: [2, 3], dtype: 'float64' as const, data: [1000, 1001, 1002, -1000, -1000, -999] };
    const e = Math.E;

    expectArray(runOp('softmax', [x], { axis: 1 }), [1 / (1 + e + e * e), e / (1 + e + e * e), (e * e) / (1 + e + e * e), 1 / (2 + e), 1 / (2 + e), e / (2 + e)], [2, 3], 'float64', { rtol: 1e-15 });
    expectArray(runOp('log_softmax', [x], { axis: 1 }), [0, 1, 2].map((v) => v - Math.log(1 + e + e * e)).concat([0, 0, 1].map((v) => v - Math.log(2 + e))), [2, 3], 'float64', { rtol: 1e-15, atol: 1e-15 });
    expectArray(runOp('softmax', [{ shape: [2], dtype: 'float32', data: [200, 200] }], { axis: 0 }), [0.5, 0.5], [2], 'float32');
  });

  it('give -Infinity elements a softmax of 0', () => {
    const x = { shape: [3], dtype: 'float64' as const, data: [-Infinity, 0, 0] };

    expectArray(runOp('softmax', [x], { axis: 0 }), [0, 0.5, 0.5], [3], 'float64');
    expectArray(runOp('log_softmax', [x], { axis: 0 }), [-Infinity, -Math.LN2, -Math.LN2], [3], 'float64', { rtol: 1e-15 });
  });

  it('give NaN for non-finite lines', () => {
    // Lines of only -Infinity or with NaN are NaN throughout. At a +Infinity element exp / sum is
    // Infinity / Infinity = NaN, and the finite elements of that line get 0.
    const x = { shape: [3, 2], dtype: 'float64' as const, data: [-Infinity, -Infinity, NaN, 0, Infinity, 0] };

    expectArray(runOp('softmax', [x], { axis: 1 }), [NaN, NaN, NaN, NaN, NaN, 0], [3, 2], 'float64');
  });

  it('reject an axis out of range', () => {
    expect(() => runOp('softmax', [{ shape: [2], dtype: 'float64', data: [0, 0] }], { axis: 1 })).toThrow(/softmax: axis 1 is out of range for rank 1/);
    expect(() => runOp('log_softmax', [{ shape: [2], dtype: 'float64', data: [0, 0] }], { axis: [0, 2] })).toThrow(/log_softmax: axis 2 is out of range for rank 1/);
    expect(() => runOp('softmax', [{ shape: [2], dtype: 'float64', data: [0, 0] }], { axis: [0, -1] })).toThrow(/softmax: axes \[0,-1\] repeat an axis/);
  });

  it('give a fully masked group NaN over a list of axes', () => {
    const x = { shape: [2, 2], dtype: 'float64' as const, data: [-Infinity, 0, -Infinity, Math.log(3)] };

    expectArray(runOp('softmax', [x], { axis: [0] }), [NaN, 0.25, NaN, 0.75], [2, 2], 'float64', { rtol: 1e-15 });
    expectArray(runOp('log_softmax', [x], { axis: [0] }), [NaN, Math.log(0.25), NaN, Math.log(0.75)], [2, 2], 'float64', { rtol: 1e-15 });
  });
});
