/**
 * @file The native slice op: numpy's `x[start:end:step]` on chosen axes. Negative starts and ends
 * count from the end, out-of-range ones are clamped, and null means the start or end of the axis.
 */
import { OpArgumentError, ShapeError, formatShape, normalizeAxis, type OpDef, type Shape } from '@primgrad/ir';

/** Bounds of a slice on every axis of x: 0 <= start <= end <= dim and step >= 1. */
export interface SliceBounds {
  readonly starts: number[];
  readonly ends: number[];
  readonly steps: number[];
  /** The shape of the slice. */
  readonly shape: number[];
}

/** Reads a list attr whose entries are integers or null. */
function boundListAttr(op: string, attrs: Readonly<Record<string, unknown>>, name: string): (number | null)[] {
  const v = attrs[name];
  if (!Array.isArray(v) || !v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d)))) {
    throw new OpArgumentError(op, `attr '${name}' must be a list of integers or nulls, got ${JSON.stringify(v)}.`);
  }
  return v as (number | null)[];
}

/**
 * Resolves the attrs of a slice (`axes`, `starts`, `ends`, optional `steps`, one entry per
 * sliced axis) against x's shape, as numpy resolves `x[start:end:step]` for a positive step.
 */
export function resolveSlice(op: string, shape: Shape, attrs: Readonly<Record<string, unknown>>): SliceBounds {
  const axesAttr = attrs.axes;
  if (!Array.isArray(axesAttr) || !axesAttr.every((a) => typeof a === 'number' && Number.isInteger(a))) {
    throw new OpArgumentError(op, `attr 'axes' must be a list of integers, got ${JSON.stringify(axesAttr)}.`);
  }
  const starts = boundListAttr(op, attrs, 'starts');
  const ends = boundListAttr(op, attrs, 'ends');
  const steps = attrs.steps === undefined || attrs.steps === null ? axesAttr.map(() => 1) : boundListAttr(op, attrs, 'steps');
  if (starts.length !== axesAttr.length || ends.length !== axesAttr.length || steps.length !== axesAttr.length) {
    throw new OpArgumentError(
      op,
      `attrs 'axes', 'starts', 'ends' and 'steps' need one entry per sliced axis, got ${axesAttr.length}, ${starts.length}, ` +
        `${ends.length} and ${steps.length}.`,
    );
  }
  const out: SliceBounds = {
    starts: shape.map(() => 0),
    ends: [...shape],
    steps: shape.map(() => 1),
    shape: [...shape],
  };
  const seen = new Set<number>();
  (axesAttr as number[]).forEach((axis, k) => {
    const a = normalizeAxis(axis, shape.length);
    if (a === null) throw new ShapeError(op, `axis ${axis} is out of range for rank ${shape.length}`, [shape]);
    if (seen.has(a)) throw new ShapeError(op, `axes ${formatShape(axesAttr as number[])} name axis ${a} twice`, [shape]);
    seen.add(a);
    const step = steps[k] ?? 1;
    if (step < 1) {
      throw new OpArgumentError(op, `steps must be positive integers, got ${step} for axis ${axis}; reversing an axis is not supported.`);
    }
    const dim = shape[a]!;
    const clamp = (value: number | null, fallback: number): number => {
      if (value === null) return fallback;
      return Math.min(Math.max(value < 0 ? value + dim : value, 0), dim);
    };
    const start = clamp(starts[k]!, 0);
    const end = Math.max(clamp(ends[k]!, dim), start);
    out.starts[a] = start;
    out.ends[a] = end;
    out.steps[a] = step;
    out.shape[a] = Math.ceil((end - start) / step);
  });
  return out;
}

export const sliceDef: OpDef<{ axes: number[]; starts: (number | null)[]; ends: (number | null)[]; steps?: number[] }> = {
  type: 'slice',
  kind: 'orig',
  inputs: ['x'],
  doc: "numpy's x[start:end:step] on attr axes, with starts, ends and optional positive steps per listed axis",
  infer([x], attrs) {
    return [{ shape: resolveSlice('slice', x!.shape, attrs).shape, dtype: x!.dtype }];
  },
};
