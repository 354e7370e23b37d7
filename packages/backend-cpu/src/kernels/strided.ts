/**
 * @file The shared iteration helper for elementwise, broadcasting, transposing and reducing
 * kernels. A kernel describes each operand by its element strides along the dims of one
 * iteration shape (0 along a broadcast dim); the helper collapses dims that can be walked as one,
 * then calls a row function once per innermost row, so per-element work stays in a tight loop.
 */
import { ShapeError, formatShape, stridesOf, type Shape } from '@primgrad/ir';

/** Row-major strides of `shape` aligned to the last `outRank` dims, with 0 where a dim broadcasts. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length);
  for (let d = 0; d < outShape.length; d++) {
    const src = d - offset;
    strides[d] = src < 0 || shape[src] === 1 ? 0 : own[src]!;
  }
  return strides;
}

/** Checks that every shape in `shapes` broadcasts to `outShape`; throws ShapeError otherwise. */
export function checkBroadcast(op: string, shapes: readonly Shape[], outShape: Shape): void {
  for (const s of shapes) {
    const offset = outShape.length - s.length;
    const ok = offset >= 0 && s.every((d, i) => d === 1 || d === outShape[i + offset]);
    if (!ok) {
      throw new ShapeError(op, `the cpu kernel cannot broadcast ${formatShape(s)} to the output shape ${formatShape(outShape)}`, shapes);
    }
  }
}

export interface CollapsedLoop {
  /** Extents of the collapsed dims; never empty (a 0-d loop is one row of one element). */
  readonly shape: number[];
  /** Per operand, its stride along each collapsed dim. */
  readonly strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbouring dims that every operand walks linearly, so that a
 * contiguous same-shape op becomes one row and a scalar broadcast has stride 0.
 */
export function collapseDims(shape: Shape, strides: readonly (readonly number[])[]): CollapsedLoop {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * n)) {
      outShape[last] *= n;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(n);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Walks `shape` in row-major order. For each innermost row it calls `row(offsets, n, inner)`:
 * `offsets[k]` is operand k's element offset at the row's start, `inner[k]` its stride along the
 * row, `n` the row length. `offsets` is reused between calls: read it, do not keep it.
 * Nothing is called when `shape` has a zero dim.
 */
export function forEachRow(
  shape: Shape,
  strides: readonly (readonly number[])[],
  row: (offsets: readonly number[], n: number, inner: readonly number[]) => void,
): void {
  for (const d of shape) if (d === 0) return;
  const loop = collapseDims(shape, strides);
  const rank = loop.shape.length;
  const n = loop.shape[rank - 1]!;
  const k = strides.length;
  const inner = loop.strides.map((s) => s[rank - 1]!);
  const outer = rank - 1;
  let rows = 1;
  for (let d = 0; d < outer; d++) rows *= loop.shape[d]!;
  const idx = new Array<number>(outer).fill(0);
  const offsets = new Array<number>(k).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, n, inner);
    for (let d = outer - 1; d >= 0; d--) {
      for (let q = 0; q < k; q++) offsets[q] += loop.strides[q]![d]!;
      if (++idx[d]! < loop.shape[d]!) break;
      for (let q = 0; q < k; q++) offsets[q] -= loop.strides[q]![d]! * loop.shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Copies `src` (walked with `srcStrides` along `outShape`) into the contiguous `dst`. */
export function stridedCopy(
  src: ArrayLike<number>,
  srcStrides: readonly number[],
  outShape: Shape,
  dst: { [i: number]: number },
): void {
  forEachRow(outShape, [stridesOf(outShape), srcStrides], (off, n, inner) => {
    let o = off[0]!;
    let s = off[1]!;
    const so = inner[0]!;
    const ss = inner[1]!;
    for (let j = 0; j < n; j++, o += so, s += ss) dst[o] = src[s]!;
  });
}
