import type { DType, Shape } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { FLOAT_DTYPES, broadcastIndex, expectArray, numelOf, roundTo, runOp, testData, unravel } from './test-helpers.js';

/** numpy broadcast of two shapes, written out for the tests. */
function bshape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)]! : 1;
    const db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)]! : 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Reference: out[i] = f(x[bcast(i)], y[bcast(i)]) over every output index, by explicit index math. */
function refBinary(x: readonly number[], xs: Shape, y: readonly number[], ys: Shape, f: (a: number, b: number) => number): { data: number[]; shape: number[] } {
  const shape = bshape(xs, ys);
  const data: number[] = [];
  for (let i = 0; i < numelOf(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(x[broadcastIndex(idx, xs)]!, y[broadcastIndex(idx, ys)]!));
  }
  return { data, shape };
}

const SHAPE_PAIRS: [Shape, Shape][] = [
  [[], []],
  [[], [3]],
  [[2, 3], []],
  [[4], [4]],
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 3]],
  [[4, 1, 3], [2, 1]],
  [[1], [2, 3]],
  [[2, 1, 4], [1, 3, 1]],
  [[1, 1], [1]],
  [[2, 3, 4, 5], [3, 1, 5]],
  [[5, 1, 1, 2], [1, 3, 4, 1]],
  [[0, 3], [3]],
  [[2, 0], [1, 1]],
];

// Domains keep results finite where the op allows it; pow uses positive bases.
const BINARY: { op: string; f: (a: number, b: number) => number; x?: [number, number]; y?: [number, number] }[] = [
  { op: 'add', f: (a, b) => a + b },
  { op: 'sub', f: (a, b) => a - b },
  { op: 'mul', f: (a, b) => a * b },
  { op: 'div', f: (a, b) => a / b, y: [0.5, 3] },
  { op: 'pow', f: (a, b) => Math.pow(a, b), x: [0.25, 3], y: [-2, 2.5] },
  { op: 'maximum', f: (a, b) => (a >= b ? a : b) },
];

describe('broadcasting binary ops', () => {
  for (const { op, f, x: xr = [-2, 2], y: yr = [-2, 2] } of BINARY) {
    for (const dtype of FLOAT_DTYPES) {
      for (const [xs, ys] of SHAPE_PAIRS) {
        it(`${op} ${dtype} [${xs}] with [${ys}]`, () => {
          const x = testData(numelOf(xs), dtype, 11, ...xr);
          const y = testData(numelOf(ys), dtype, 29, ...yr);
          const ref = refBinary(x, xs, y, ys, (a, b) => roundTo(f(a, b), dtype));
          const out = runOp(op, [{ shape: xs, dtype, data: x }, { shape: ys, dtype, data: y }]);
          expectArray(out, ref.data, ref.shape, dtype);
        });
      }
    }
  }
});

describe('comparisons (bool out)', () => {
  const CMP: { op: string; f: (a: number, b: number) => boolean }[] = [
    { op: 'equal', f: (a, b) => a === b },
    { op: 'greater_than', f: (a, b) => a > b },
    { op: 'greater_equal', f: (a, b) => a >= b },
  ];
  for (const { op, f } of CMP) {
    for (const dtype of [...FLOAT_DTYPES, 'int32'] as DType[]) {
      for (const [xs, ys] of SHAPE_PAIRS) {
        it(`${op} ${dtype} [${xs}] with [${ys}]`, () => {
          // Few distinct values, so equal pairs occur.
          const x = testData(numelOf(xs), 'int32', 5, -1, 2).map((v) => v / 2);
          const y = testData(numelOf(ys), 'int32', 7, -1, 2).map((v) => v / 2);
          const xd = dtype === 'int32' ? x.map((v) => Math.floor(v)) : x;
          const yd = dtype === 'int32' ? y.map((v) => Math.floor(v)) : y;
          const ref = refBinary(xd, xs, yd, ys, (a, b) => (f(a, b) ? 1 : 0));
          const out = runOp(op, [{ shape: xs, dtype, data: xd }, { shape: ys, dtype, data: yd }]);
          expectArray(out, ref.data, ref.shape, 'bool');
        });
      }
    }
  }

  it('NaN compares false, and equal holds for +0 and -0', () => {
    const x = { shape: [3], dtype: 'float64' as const, data: [NaN, 0, 1] };
    const y = { shape: [3], dtype: 'float64' as const, data: [NaN, -0, NaN] };
    expectArray(runOp('equal', [x, y]), [0, 1, 0], [3], 'bool');
    expectArray(runOp('greater_equal', [x, y]), [0, 1, 0], [3], 'bool');
    expectArray(runOp('greater_than', [x, y]), [0, 0, 0], [3], 'bool');
  });
});

describe('binary op semantics', () => {
  it('rounds float32 results to float32', () => {
    const out = runOp('add', [
      { shape: [], dtype: 'float32', data: [0.1] },
      { shape: [], dtype: 'float32', data: [0.2] },
    ]);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.item()).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(out.item()).not.toBe(0.1 + 0.2);
  });

  it('maximum propagates NaN from either side', () => {
    const out = runOp('maximum', [
      { shape: [3], dtype: 'float64', data: [NaN, 1, 2] },
      { shape: [3], dtype: 'float64', data: [0, NaN, 1] },
    ]);
    expectArray(out, [NaN, NaN, 2], [3], 'float64');
  });

  it('pow follows C for 1 ** y and (-1) ** ±Infinity, and gives NaN for negative ** fraction', () => {
    const out = runOp('pow', [
      { shape: [5], dtype: 'float64', data: [1, -1, -1, -8, 0] },
      { shape: [5], dtype: 'float64', data: [NaN, Infinity, -Infinity, 1 / 3, -1] },
    ]);
    expectArray(out, [1, 1, 1, NaN, Infinity], [5], 'float64');
  });

  it('int32 arithmetic wraps, and int32 division truncates toward zero', () => {
    const i32 = (data: number[]) => ({ shape: [data.length], dtype: 'int32' as const, data });
    expectArray(runOp('add', [i32([2147483647, -5]), i32([1, 3])]), [-2147483648, -2], [2], 'int32');
    expectArray(runOp('sub', [i32([-2147483648, 7]), i32([1, 9])]), [2147483647, -2], [2], 'int32');
    expectArray(runOp('mul', [i32([65536, 46341, -3]), i32([65536, 46341, 7])]), [0, -2147479015, -21], [3], 'int32');
    expectArray(runOp('div', [i32([7, -7, 7, 5]), i32([2, 2, -2, 0])]), [3, -3, -3, 0], [4], 'int32');
    expectArray(runOp('maximum', [i32([3, -4]), i32([2, 5])]), [3, 5], [2], 'int32');
    expectArray(runOp('pow', [i32([2, 3, 2]), i32([10, 3, -1])]), [1024, 27, 0], [3], 'int32');
  });

  it('int32 broadcasts like floats', () => {
    const x = { shape: [2, 1], dtype: 'int32' as const, data: [10, 20] };
    const y = { shape: [3], dtype: 'int32' as const, data: [1, 2, 3] };
    expectArray(runOp('add', [x, y]), [11, 12, 13, 21, 22, 23], [2, 3], 'int32');
  });

  it('bool arithmetic stays 0/1: add is or, mul is and', () => {
    const x = { shape: [4], dtype: 'bool' as const, data: [0, 0, 1, 1] };
    const y = { shape: [4], dtype: 'bool' as const, data: [0, 1, 0, 1] };
    expectArray(runOp('add', [x, y]), [0, 1, 1, 1], [4], 'bool');
    expectArray(runOp('mul', [x, y]), [0, 0, 0, 1], [4], 'bool');
    expectArray(runOp('maximum', [x, y]), [0, 1, 1, 1], [4], 'bool');
    expectArray(runOp('equal', [x, y]), [1, 0, 0, 1], [4], 'bool');
  });
});

const UNARY_SHAPES: Shape[] = [[], [1], [5], [2, 3], [1, 4, 1], [2, 0, 3], [3, 2, 2, 2]];
/** A tolerance per dtype for references that round differently from the kernel: 1 ulp in float32, a few in float64. */
const ULPS = (dtype: DType) => (dtype === 'float32' ? { rtol: 1.2e-7 } : { rtol: 1e-15 });

const UNARY: { op: string; f: (a: number) => number; lo?: number; hi?: number; tol?: typeof ULPS }[] = [
  { op: 'neg', f: (a) => -a },
  { op: 'exp', f: (a) => Math.exp(a) },
  { op: 'log', f: (a) => Math.log(a), lo: 0.01, hi: 5 },
  { op: 'tanh', f: (a) => Math.tanh(a) },
  { op: 'sqrt', f: (a) => Math.sqrt(a), lo: 0, hi: 9 },
  { op: 'sin', f: (a) => Math.sin(a), lo: -7, hi: 7 },
  { op: 'cos', f: (a) => Math.cos(a), lo: -7, hi: 7 },
  { op: 'abs', f: (a) => (a < 0 ? -a : a) },
  // The textbook formula, which overflows nowhere in this range; the kernel switches form at 0.
  { op: 'sigmoid', f: (a) => 1 / (1 + Math.exp(-a)), lo: -20, hi: 20, tol: ULPS },
  { op: 'relu', f: (a) => (a > 0 ? a : 0) },
  { op: 'assign', f: (a) => a },
];

describe('unary ops', () => {
  for (const { op, f, lo = -2, hi = 2, tol } of UNARY) {
    for (const dtype of FLOAT_DTYPES) {
      for (const shape of UNARY_SHAPES) {
        it(`${op} ${dtype} [${shape}]`, () => {
          const x = testData(numelOf(shape), dtype, 3, lo, hi);
          const out = runOp(op, [{ shape, dtype, data: x }]);
          expectArray(out, x.map((v) => roundTo(f(v), dtype)), shape, dtype, tol?.(dtype));
        });
      }
    }
  }

  it('log, sqrt and exp at the edges of their domains', () => {
    const x = { shape: [4], dtype: 'float64' as const, data: [0, -1, Infinity, -Infinity] };
    expectArray(runOp('log', [x]), [-Infinity, NaN, Infinity, NaN], [4], 'float64');
    expectArray(runOp('sqrt', [x]), [0, NaN, Infinity, NaN], [4], 'float64');
    expectArray(runOp('exp', [x]), [1, Math.exp(-1), Infinity, 0], [4], 'float64');
    expectArray(runOp('exp', [{ shape: [], dtype: 'float32', data: [100] }]), [Infinity], [], 'float32');
  });

  it('sigmoid is finite and exact for large magnitudes', () => {
    const x = { shape: [8], dtype: 'float64' as const, data: [-1000, -40, 0, 40, 1000, NaN, -Infinity, Infinity] };
    const tiny = Math.exp(-40);
    expectArray(runOp('sigmoid', [x]), [0, tiny / (1 + tiny), 0.5, 1 / (1 + tiny), 1, NaN, 0, 1], [8], 'float64', { rtol: 1e-15 });
    expectArray(runOp('sigmoid', [{ shape: [2], dtype: 'float32', data: [-200, 200] }]), [0, 1], [2], 'float32');
  });

  it('relu maps 0, -0 and -Infinity to 0 and keeps NaN', () => {
    const x = { shape: [5], dtype: 'float64' as const, data: [0, -0, -Infinity, Infinity, NaN] };
    const out = runOp('relu', [x]);

    expectArray(out, [0, 0, 0, Infinity, NaN], [5], 'float64');
    expect(Object.is(out.data[1], 0)).toBe(true);
  });

  for (const dtype of ['int32', 'bool'] as DType[]) {
    it(`neg, abs and assign take ${dtype}`, () => {
      const data = dtype === 'int32' ? [-3, 0, 5, -2147483648] : [0, 1, 1, 0];
      const x = { shape: [2, 2], dtype, data };
      const neg = dtype === 'int32' ? [3, 0, -5, -2147483648] : [0, 1, 1, 0];
      const abs = dtype === 'int32' ? [3, 0, 5, -2147483648] : [0, 1, 1, 0];
      expectArray(runOp('neg', [x]), neg, [2, 2], dtype);
      expectArray(runOp('abs', [x]), abs, [2, 2], dtype);
      expectArray(runOp('assign', [x]), data, [2, 2], dtype);
    });
  }
});

describe('scale', () => {
  for (const dtype of FLOAT_DTYPES) {
    for (const shape of UNARY_SHAPES) {
      for (const [s, bias] of [
        [1, 0],
        [2.5, -0.75],
        [-1 / 3, 0.1],
      ] as const) {
        it(`scale ${dtype} [${shape}] by ${s} plus ${bias}`, () => {
          const x = testData(numelOf(shape), dtype, 17);
          const out = runOp('scale', [{ shape, dtype, data: x }], { scale: s, bias });
          expectArray(out, x.map((v) => roundTo(s * v + bias, dtype)), shape, dtype);
        });
      }
    }
  }

  it('defaults to scale 1 and bias 0', () => {
    expectArray(runOp('scale', [{ shape: [2], dtype: 'float64', data: [1.5, -2] }]), [1.5, -2], [2], 'float64');
  });
});

describe('where', () => {
  const TRIPLES: [Shape, Shape, Shape][] = [
    [[], [], []],
    [[4], [4], [4]],
    [[2, 3], [], [3]],
    [[2, 1], [1, 3], [2, 3]],
    [[], [2, 3], [2, 1]],
    [[3, 1, 1], [1, 2, 1], [1, 1, 4]],
    [[1], [5], []],
    [[2, 0], [1], [2, 1]],
  ];
  for (const dtype of [...FLOAT_DTYPES, 'int32', 'bool'] as DType[]) {
    for (const [cs, xs, ys] of TRIPLES) {
      it(`where ${dtype} cond [${cs}] x [${xs}] y [${ys}]`, () => {
        const c = testData(numelOf(cs), 'bool', 41);
        const x = testData(numelOf(xs), dtype, 43);
        const y = testData(numelOf(ys), dtype, 47);
        const shape = bshape(bshape(cs, xs), ys);
        const expected: number[] = [];
        for (let i = 0; i < numelOf(shape); i++) {
          const idx = unravel(i, shape);
          expected.push(c[broadcastIndex(idx, cs)] ? x[broadcastIndex(idx, xs)]! : y[broadcastIndex(idx, ys)]!);
        }
        const out = runOp('where', [
          { shape: cs, dtype: 'bool', data: c },
          { shape: xs, dtype, data: x },
          { shape: ys, dtype, data: y },
        ]);
        expectArray(out, expected, shape, dtype);
      });
    }
  }
});
