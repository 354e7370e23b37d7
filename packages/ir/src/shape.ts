/** A static shape. `[]` is a 0-d (scalar) shape. */
export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function isValidShape(shape: unknown): shape is Shape {
  return Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
}

/** Row-major strides of `shape`, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/**
 * Returns the numpy broadcast of two shapes (dims aligned from the right; a dim of 1
 * stretches), or null when they do not broadcast.
 */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Lists the axes of `target` that a value of shape `source` is broadcast along, so that
 * summing over them (and reshaping) brings a cotangent back to `source`. `source` must
 * broadcast to `target`.
 */
export function broadcastAxes(source: Shape, target: Shape): number[] {
  const axes: number[] = [];
  const offset = target.length - source.length;
  for (let i = 0; i < target.length; i++) {
    const ds = i < offset ? undefined : source[i - offset];
    if (ds === undefined || (ds === 1 && target[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Normalizes a possibly negative axis against `rank`; returns null when out of range. */
export function normalizeAxis(axis: number, rank: number): number | null {
  if (!Number.isInteger(axis)) return null;
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}
