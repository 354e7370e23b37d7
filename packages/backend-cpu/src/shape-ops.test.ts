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

describe('concat', () => {
  const CASES: [Shape[], number][] = [
    [[[3]], 0],
    [[[2], [3]], 0],
    [[[2, 3], [2, 1], [2, 2]], 1],
    [[[1, 3], [2, 3]], 0],
    [[[2, 3], [2, 2]], -1],
    [[[2, 1, 2], [2, 3, 2], [2, 1, 2]], 1],
    [[[2, 0], [2, 3], [2, 0]], 1],
    [[[0, 2], [0, 2]], 1],
  ];
  for (const dtype of ALL_DTYPES) {
    for (const [shapes, axis] of CASES) {
      it(`${dtype} ${shapes.map((s) => `[${s}]`).join(' ')} axis ${axis}`, () => {
        const a = axis < 0 ? axis + shapes[0]!.length : axis;
        const inputs = shapes.map((shape, k) => ({ shape, dtype, data: testData(numelOf(shape), dtype, 101 + k) }));
        const outShape = shapes[0]!.map((d, i) => (i === a ? shapes.reduce((n, s) => n + s[a]!, 0) : d));
        // Element idx of the result comes from the input whose range along the axis contains idx[a].
        const expected = Array.from({ length: numelOf(outShape) }, (_, i) => {
          const idx = unravel(i, outShape);
          let k = 0;
          let position = idx[a]!;
          while (position >= shapes[k]![a]!) position -= shapes[k++]![a]!;
          return inputs[k]!.data[ravel(idx.map((v, d) => (d === a ? position : v)), shapes[k]!)]!;
        });
        expectArray(runOp('concat', inputs, { axis }), expected, outShape, dtype);
      });
    }
  }

  it('defaults to axis 0', () => {
    const out = runOp('concat', [
      { shape: [1, 2], dtype: 'float64', data: [1, 2] },
      { shape: [1, 2], dtype: 'float64', data: [3, 4] },
    ]);
    expectArray(out, [1, 2, 3, 4], [2, 2], 'float64');
  });
});

describe('slice', () => {
  interface SliceCase {
    shape: Shape;
    axes: number[];
    starts: (number | null)[];
    ends: (number | null)[];
    steps?: number[];
  }
  // Python's range(size)[start:end:step] for a positive step, written out for the tests.
  const positions = (size: number, start: number | null, end: number | null, step: number): number[] => {
    const bound = (v: number | null, fallback: number) => (v === null ? fallback : Math.min(Math.max(v < 0 ? v + size : v, 0), size));
    const out: number[] = [];
    for (let i = bound(start, 0); i < bound(end, size); i += step) out.push(i);
    return out;
  };
  const CASES: SliceCase[] = [
    { shape: [5], axes: [0], starts: [1], ends: [4] },
    { shape: [5], axes: [0], starts: [-2], ends: [null] },
    { shape: [5], axes: [-1], starts: [-10], ends: [10], steps: [2] },
    { shape: [5], axes: [0], starts: [3], ends: [1] },
    { shape: [7], axes: [0], starts: [null], ends: [null], steps: [3] },
    { shape: [2, 3, 4], axes: [2, 0], starts: [1, 1], ends: [null, 2], steps: [2, 1] },
    { shape: [2, 3, 4], axes: [1], starts: [0], ends: [3], steps: [2] },
    { shape: [3, 4], axes: [], starts: [], ends: [] },
    { shape: [0, 3], axes: [1], starts: [1], ends: [3] },
    { shape: [], axes: [], starts: [], ends: [] },
  ];
  for (const dtype of ALL_DTYPES) {
    for (const { shape, axes, starts, ends, steps } of CASES) {
      it(`${dtype} [${shape}] axes ${JSON.stringify(axes)} from ${JSON.stringify(starts)} to ${JSON.stringify(ends)} by ${JSON.stringify(steps ?? 1)}`, () => {
        const x = testData(numelOf(shape), dtype, 103);
        const picked = shape.map((d, i) => {
          const k = axes.findIndex((a) => (a < 0 ? a + shape.length : a) === i);
          return k < 0 ? positions(d, null, null, 1) : positions(d, starts[k]!, ends[k]!, steps?.[k] ?? 1);
        });
        const outShape = picked.map((p) => p.length);
        const expected = Array.from({ length: numelOf(outShape) }, (_, i) => x[ravel(unravel(i, outShape).map((v, d) => picked[d]![v]!), shape)]!);
        const attrs = { axes, starts, ends, ...(steps ? { steps } : {}) };
        expectArray(runOp('slice', [{ shape, dtype, data: x }], attrs), expected, outShape, dtype);
      });
    }
  }
});

describe('pad', () => {
  const CASES: [Shape, number[], number[], number[] | undefined][] = [
    [[3], [1], [2], undefined],
    [[3], [0], [0], [2]],
    [[2, 3], [0, 1], [1, 0], undefined],
    [[2, 3], [1, 0], [0, 2], [1, 2]],
    [[1, 2, 1], [0, 1, 2], [1, 0, 0], [3, 1, 4]],
    [[], [], [], undefined],
    [[0, 2], [1, 0], [0, 1], [0, 1]],
  ];
  for (const dtype of ALL_DTYPES) {
    for (const [shape, before, after, interior] of CASES) {
      it(`${dtype} [${shape}] before [${before}] after [${after}] interior [${interior ?? 'none'}]`, () => {
        const x = testData(numelOf(shape), dtype, 107, 1, 3);
        const gaps = interior ?? shape.map(() => 0);
        const outShape = shape.map((d, i) => before[i]! + after[i]! + d + Math.max(d - 1, 0) * gaps[i]!);
        // Output position p on axis i is element (p - before) / (gap + 1) of x when that is a whole index, else 0.
        const expected = Array.from({ length: numelOf(outShape) }, (_, o) => {
          const src = unravel(o, outShape).map((p, i) => (p - before[i]!) / (gaps[i]! + 1));
          const inside = src.every((v, i) => Number.isInteger(v) && v >= 0 && v < shape[i]!);
          return inside ? x[ravel(src, shape)]! : 0;
        });
        const attrs = { before, after, ...(interior ? { interior } : {}) };
        expectArray(runOp('pad', [{ shape, dtype, data: x }], attrs), expected, outShape, dtype);
      });
    }
  }
});
