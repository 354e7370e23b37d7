/**
 * @file matmul with numpy semantics: a rank-1 x is a row vector and a rank-1 y a column vector
 * (their unit dim is dropped from the result), leading batch dims broadcast, and transX / transY
 * swap the last two dims of a rank >= 2 operand (they are ignored for rank-1 operands, as in
 * shape inference).
 *
 * The product is accumulated in float64 in i-k-j order (the innermost loop walks a row of y and a
 * row of the result contiguously). Transposed and float32 operands are first packed into
 * contiguous float64 matrices, so the inner loop only ever reads Float64Arrays; a float32 result
 * is rounded once at the end.
 */
import { ShapeError, boolAttr, numel, type NDArray, type Shape } from '@primgrad/ir';
import { matmulShapes } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { broadcastStrides } from './strided.js';

/**
 * C[co..] += X[xo..] · Y[yo..] for row-major m×k X, k×n Y and m×n C. Four rows of Y are folded into
 * each pass over a row of C, which cuts the loads and stores of C by four.
 */
export function gemmAccumulate(
  X: Float64Array,
  xo: number,
  Y: Float64Array,
  yo: number,
  C: Float64Array,
  co: number,
  m: number,
  k: number,
  n: number,
): void {
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = co + i * n;
    const xi = xo + i * k;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = X[xi + p]!;
      const a1 = X[xi + p + 1]!;
      const a2 = X[xi + p + 2]!;
      const a3 = X[xi + p + 3]!;
      const y0 = yo + p * n;
      const y1 = y0 + n;
      const y2 = y1 + n;
      const y3 = y2 + n;
      for (let j = 0; j < n; j++) {
        C[ci + j] += a0 * Y[y0 + j]! + a1 * Y[y1 + j]! + a2 * Y[y2 + j]! + a3 * Y[y3 + j]!;
      }
    }
    for (; p < k; p++) {
      const a = X[xi + p]!;
      const y0 = yo + p * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * Y[y0 + j]!;
    }
  }
}

/**
 * Returns the matrices of `a` (a stack of rows×cols matrices, stored transposed when `trans`) as
 * contiguous float64 rows×cols matrices. A float64 array that needs no transpose is returned as is.
 */
function packMatrices(a: NDArray, rows: number, cols: number, trans: boolean): Float64Array {
  if (!trans && a.data instanceof Float64Array) return a.data;
  const src = a.data;
  const dst = new Float64Array(src.length);
  if (!trans) {
    for (let i = 0; i < src.length; i++) dst[i] = src[i]!;
    return dst;
  }
  const size = rows * cols;
  const count = size === 0 ? 0 : src.length / size;
  for (let b = 0; b < count; b++) {
    const base = b * size;
    // The stored matrix is cols×rows; element (r, c) of the logical matrix is stored at (c, r).
    for (let c = 0; c < cols; c++) {
      const s = base + c * rows;
      for (let r = 0; r < rows; r++) dst[base + r * cols + c] = src[s + r]!;
    }
  }
  return dst;
}

/** Element offset of each batch's matrix in an operand with batch dims `own`, over the broadcast `batch`. */
function batchOffsets(own: Shape, batch: Shape, matrixSize: number): number[] {
  const count = numel(batch);
  const offsets = new Array<number>(count);
  const strides = broadcastStrides(own, batch).map((s) => s * matrixSize);
  const idx = new Array<number>(batch.length).fill(0);
  let off = 0;
  for (let b = 0; b < count; b++) {
    offsets[b] = off;
    for (let d = batch.length - 1; d >= 0; d--) {
      off += strides[d]!;
      if (++idx[d]! < batch[d]!) break;
      off -= strides[d]! * batch[d]!;
      idx[d] = 0;
    }
  }
  return offsets;
}

export const matmulKernel: CpuKernel = ([x, y], op, [t]) => {
  const transX = boolAttr('matmul', op.attrs, 'transX', false) && x!.shape.length >= 2;
  const transY = boolAttr('matmul', op.attrs, 'transY', false) && y!.shape.length >= 2;
  const { m, k, n, batch, out: outShape } = matmulShapes(x!.shape, y!.shape, transX, transY);
  const out = allocOut(t!);
  if (numel(outShape) !== out.size) {
    throw new ShapeError('matmul', `the output var holds ${out.size} elements but the product has ${numel(outShape)}`, [x!.shape, y!.shape]);
  }
  const batchCount = numel(batch);
  if (out.size === 0 || k === 0) return [out];
  const X = packMatrices(x!, m, k, transX);
  const Y = packMatrices(y!, k, n, transY);
  const xOff = batchOffsets(x!.shape.length >= 2 ? x!.shape.slice(0, -2) : [], batch, m * k);
  const yOff = batchOffsets(y!.shape.length >= 2 ? y!.shape.slice(0, -2) : [], batch, k * n);
  const mn = m * n;
  if (out.data instanceof Float64Array) {
    for (let b = 0; b < batchCount; b++) gemmAccumulate(X, xOff[b]!, Y, yOff[b]!, out.data, b * mn, m, k, n);
  } else {
    const acc = new Float64Array(mn);
    const od = out.data;
    for (let b = 0; b < batchCount; b++) {
      acc.fill(0);
      gemmAccumulate(X, xOff[b]!, Y, yOff[b]!, acc, 0, m, k, n);
      const base = b * mn;
      for (let i = 0; i < mn; i++) od[base + i] = acc[i]!;
    }
  }
  return [out];
};
