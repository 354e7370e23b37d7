/**
 * @file Elementwise kernels: the broadcasting binary ops (add, sub, mul, div, pow, maximum), the
 * comparisons (equal, greater_than, greater_equal; bool out), the unary ops (neg, exp, log, tanh,
 * sqrt, sin, cos, abs, sigmoid, relu), assign and scale.
 *
 * Values are computed in float64 and rounded once on store, so float32 results are the float32
 * rounding of the exact-in-double result. Integer and bool semantics: int32 results wrap modulo
 * 2^32 (mul uses Math.imul); int32 div and pow truncate toward zero, and a division by zero gives 0;
 * arithmetic on bool inputs yields 1 for any non-zero result (add is or, mul is and).
 */
import { floatScalarAttr, stridesOf, type NDArray, type TypedArray } from '@primgrad/ir';
import { normalizeBool } from '../convert.js';
import { allocOut, type CpuKernel } from '../kernel.js';
import { broadcastStrides, checkBroadcast, forEachRow } from './strided.js';

/** One row of a broadcasting binary op: out[o + j] = f(x[xi + j*sx], y[yi + j*sy]) for j < n. */
export type BinaryRow = (
  out: TypedArray,
  o: number,
  x: TypedArray,
  xi: number,
  sx: number,
  y: TypedArray,
  yi: number,
  sy: number,
  n: number,
) => void;

/**
 * x ** y with C99 / numpy special cases that JS lacks: 1 ** y is 1 for every y (NaN included), and
 * (-1) ** ±Infinity is 1.
 */
export function powC(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

// Each op has its own row function so the per-element loop is monomorphic in its operation.
const addRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi]! + y[yi]!;
};
const subRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi]! - y[yi]!;
};
const mulRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi]! * y[yi]!;
};
const imulRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = Math.imul(x[xi]!, y[yi]!);
};
const divRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi]! / y[yi]!;
};
const powRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = powC(x[xi]!, y[yi]!);
};
const maximumRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  // NaN propagates from either side, as in numpy.maximum.
  for (let j = 0; j < n; j++, xi += sx, yi += sy) {
    const a = x[xi]!;
    const b = y[yi]!;
    out[o + j] = a > b || a !== a ? a : b;
  }
};
const equalRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi] === y[yi] ? 1 : 0;
};
const greaterThanRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi]! > y[yi]! ? 1 : 0;
};
const greaterEqualRow: BinaryRow = (out, o, x, xi, sx, y, yi, sy, n) => {
  for (let j = 0; j < n; j++, xi += sx, yi += sy) out[o + j] = x[xi]! >= y[yi]! ? 1 : 0;
};

/**
 * Runs `row` over x and y broadcast to `out`'s shape (numpy rules; any rank, 0-d and size-1 dims).
 * This is the shared broadcasting helper of the elementwise kernels.
 */
export function broadcastBinary(op: string, x: NDArray, y: NDArray, out: NDArray, row: BinaryRow): void {
  checkBroadcast(op, [x.shape, y.shape], out.shape);
  const xd = x.data;
  const yd = y.data;
  const od = out.data;
  forEachRow(
    out.shape,
    [stridesOf(out.shape), broadcastStrides(x.shape, out.shape), broadcastStrides(y.shape, out.shape)],
    (off, n, inner) => row(od, off[0]!, xd, off[1]!, inner[1]!, yd, off[2]!, inner[2]!, n),
  );
}

function binaryKernel(type: string, row: BinaryRow, options: { int32Row?: BinaryRow; compare?: boolean } = {}): CpuKernel {
  return ([x, y], _op, [t]) => {
    const out = allocOut(t!);
    const useRow = x!.dtype === 'int32' && options.int32Row ? options.int32Row : row;
    broadcastBinary(type, x!, y!, out, useRow);
    if (out.dtype === 'bool' && !options.compare) normalizeBool(out.data);
    return [out];
  };
}

export const addKernel = binaryKernel('add', addRow);
export const subKernel = binaryKernel('sub', subRow);
export const mulKernel = binaryKernel('mul', mulRow, { int32Row: imulRow });
export const divKernel = binaryKernel('div', divRow);
export const powKernel = binaryKernel('pow', powRow);
export const maximumKernel = binaryKernel('maximum', maximumRow);
export const equalKernel = binaryKernel('equal', equalRow, { compare: true });
export const greaterThanKernel = binaryKernel('greater_than', greaterThanRow, { compare: true });
export const greaterEqualKernel = binaryKernel('greater_equal', greaterEqualRow, { compare: true });

/** A unary loop: out[i] = f(x[i]) for every i. */
type UnaryLoop = (x: TypedArray, out: TypedArray) => void;

function unaryKernel(loop: UnaryLoop): CpuKernel {
  return ([x], _op, [t]) => {
    const out = allocOut(t!);
    loop(x!.data, out.data);
    if (out.dtype === 'bool') normalizeBool(out.data);
    return [out];
  };
}

export const negKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = -x[i]!;
});
export const expKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]!);
});
export const logKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]!);
});
export const tanhKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i]!);
});
export const sqrtKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]!);
});
export const sinKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.sin(x[i]!);
});
export const cosKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.cos(x[i]!);
});
export const absKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]!);
});

/** 1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) below, so no exp overflows. */
export const sigmoidKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v >= 0) {
      o[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      o[i] = e / (1 + e);
    }
  }
});
/** 0 where x <= 0, else x; NaN stays NaN. */
export const reluKernel = unaryKernel((x, o) => {
  for (let i = 0; i < x.length; i++) o[i] = x[i]! <= 0 ? 0 : x[i]!;
});

/** A fresh copy of x (the executor stores it under the output var, which may be an existing one). */
export const assignKernel: CpuKernel = ([x], _op, [t]) => {
  const out = allocOut(t!);
  out.data.set(x!.data);
  return [out];
};

/** scale * x + bias, computed in float64 and rounded once. */
export const scaleKernel: CpuKernel = ([x], op, [t]) => {
  const s = floatScalarAttr('scale', op.attrs, 'scale', 1);
  const b = floatScalarAttr('scale', op.attrs, 'bias', 0);
  const out = allocOut(t!);
  const xd = x!.data;
  const od = out.data;
  for (let i = 0; i < xd.length; i++) od[i] = s * xd[i]! + b;
  return [out];
};
