import type { DType, Shape } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { broadcastIndex, expectArray, numelOf, ravel, runOp, testData, unravel } from './test-helpers.js';

const ALL_DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];

describe('reshape', () => {
  const CASES: [Shape, number[], number[]][] = [
    [[], [1], [1]],
    [[1], [], []],
    [[2, 3], [3, 2], [3, 2]],
    [[2, 3], [-1], [6]],
    [[2, 3, 4], [4, -1], [4, 6]],
    [[2, 3, 4], [-1, 1, 3], [8, 1, 3]],
    [[1, 1, 1], [-1], [1]],
    [[0, 3], [3, -1], [3, 0]],
  ];
  for (const dtype of ALL_DTYPES) {
    for (const [from, target, expected] of CASES) {
      it(`${dtype} [${from}] to ${JSON.stringify(target)}`, () => {
        const x = testData(numelOf(from), dtype, 7);
        expectArray(runOp('reshape', [{ shape: from, dtype, data: x }], { shape: target }), x, expected, dtype);
      });
    }
  }
});

describe('transpose', () => {
  const permutations = (n: number): number[][] =>
    n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
  const SHAPES: Shape[] = [[], [4], [2, 3], [2, 3, 4], [1, 3, 1], [2, 0, 3], [2, 3, 1, 4]];
  for (const dtype of ALL_DTYPES) {
    for (const shape of SHAPES) {
      for (const perm of permutations(shape.length)) {
        it(`${dtype} [${shape}] perm ${JSON.stringify(perm)}`, () => {
          const x = testData(numelOf(shape), dtype, 13);
          const outShape = perm.map((a) => shape[a]!);
          const expected: number[] = [];
          for (let i = 0; i < numelOf(outShape); i++) {
            const o = unravel(i, outShape);
            const src = new Array<number>(shape.length);
            perm.forEach((a, k) => (src[a] = o[k]!));
            expected.push(x[ravel(src, shape)]!);
          }
          expectArray(runOp('transpose', [{ shape, dtype, data: x }], { perm }), expected, outShape, dtype);
        });
      }
    }
  }

  it('accepts negative axes in perm', () => {
    const out = runOp('transpose', [{ shape: [2, 3], dtype: 'float64', data: [1, 2, 3, 4, 5, 6] }], { perm: [-1, 0] });
    expectArray(out, [1, 4, 2, 5, 3, 6], [3, 2], 'float64');
  });
});

describe('broadcast_to', () => {
  const CASES: [Shape, Shape][] = [
    [[], []],
    [[], [2, 3]],
    [[3], [2, 3]],
    [[2, 1], [2, 3]],
    [[1, 3, 1], [2, 3, 4]],
    [[2, 3], [2, 3]],
    [[1], [5]],
    [[3], [0, 3]],
    [[4, 1, 2], [3, 4, 5, 2]],
  ];
  for (const dtype of ALL_DTYPES) {
    for (const [from, to] of CASES) {
      it(`${dtype} [${from}] to [${to}]`, () => {
        const x = testData(numelOf(from), dtype, 19);
        const expected = Array.from({ length: numelOf(to) }, (_, i) => x[broadcastIndex(unravel(i, to), from)]!);
        expectArray(runOp('broadcast_to', [{ shape: from, dtype, data: x }], { shape: [...to] }), expected, to, dtype);
      });
    }
  }
});

describe('cast', () => {
  const SOURCE = [0, -0, 1.5, -1.5, 2.7, -2.7, 0.1, 16777217, 3e9, -3e9, NaN, Infinity, -Infinity, 1e-50];
  const expectedFor = (v: number, to: DType): number => {
    switch (to) {
      case 'bool':
        return v !== 0 ? 1 : 0;
      case 'int32':
        return Number.isNaN(v) ? 0 : v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
      case 'float32':
        return Math.fround(v);
      case 'float64':
        return v;
    }
  };
  for (const from of ['float32', 'float64'] as DType[]) {
    for (const to of ALL_DTYPES) {
      it(`${from} to ${to}`, () => {
        const x = SOURCE.map((v) => (from === 'float32' ? Math.fround(v) : v));
        const out = runOp('cast', [{ shape: [x.length], dtype: from, data: x }], { dtype: to });
        expectArray(out, x.map((v) => expectedFor(v, to)), [x.length], to);
      });
    }
  }
  for (const from of ['int32', 'bool'] as DType[]) {
    for (const to of ALL_DTYPES) {
      it(`${from} to ${to}`, () => {
        const x = from === 'bool' ? [0, 1, 1, 0] : [0, -1, 7, 16777217, -2147483648, 2147483647];
        const out = runOp('cast', [{ shape: [x.length], dtype: from, data: x }], { dtype: to });
        expectArray(out, x.map((v) => expectedFor(v, to)), [x.length], to);
      });
    }
  }
  it('casts 0-d arrays', () => {
    expectArray(runOp('cast', [{ shape: [], dtype: 'float64', data: [-3.9] }], { dtype: 'int32' }), [-3], [], 'int32');
  });
});

describe('fill_constant and assign_value', () => {
  const SHAPES: Shape[] = [[], [1], [2, 3], [0], [2, 0, 2]];
  for (const dtype of ALL_DTYPES) {
    for (const shape of SHAPES) {
      for (const value of [0, 0.1, -2.7, 3]) {
        it(`fill_constant ${dtype} [${shape}] with ${value}`, () => {
          const expected = dtype === 'bool' ? (value !== 0 ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : dtype === 'float32' ? Math.fround(value) : value;
          const out = runOp('fill_constant', [], { shape: [...shape], dtype, value });
          expectArray(out, new Array<number>(numelOf(shape)).fill(expected), shape, dtype);
        });
      }
      it(`assign_value ${dtype} [${shape}]`, () => {
        const values = Array.from({ length: numelOf(shape) }, (_, i) => (i % 3) - 0.6 * i);
        const expected = values.map((v) => (dtype === 'bool' ? (v !== 0 ? 1 : 0) : dtype === 'int32' ? Math.trunc(v) : dtype === 'float32' ? Math.fround(v) : v));
        expectArray(runOp('assign_value', [], { shape: [...shape], dtype, values }), expected, shape, dtype);
      });
    }
  }

  it('fills +-Infinity and NaN in float dtypes', () => {
    expect(runOp('fill_constant', [], { shape: [], dtype: 'float32', value: -Infinity }).item()).toBe(-Infinity);
    expect(Number.isNaN(runOp('fill_constant', [], { shape: [], dtype: 'float64', value: NaN }).item())).toBe(true);
  });
});
