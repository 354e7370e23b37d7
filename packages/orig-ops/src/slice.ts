/**
 * @file The native slice op: numpy's `x[start:end:step]` on chosen axes. Negative starts and ends
 * count from the end, out-of-range ones are clamped, and null means the start or end of the axis.
 */
import { OpArgumentError, ShapeError, formatShape, formatValue, normalizeAxis, type OpDef, type Shape } from '@primgrad/ir';

/** Bounds of a slice on every axis of x: 0 <= start <= end <= dim and step >= 1. */
export interface SliceBounds {
  readonly starts: number[];
  readonly ends: number[];
  readonly steps: number[];
  /** The shape of the slice. */
  readonly shape: number[];
}

/** How a message names a list: as an attr of the native op, or as an argument of an API function. */
export type ListKind = 'attr' | 'argument';

/** The lists that define a slice, unchecked: attrs of the op or arguments of an API function. */
export interface SliceLists {
  readonly axes: unknown;
  readonly starts: unknown;
  readonly ends: unknown;
  /** Absent or null means a step of 1 on every listed axis. */
  readonly steps?: unknown;
}

/** Returns a message when `value` is not a list of integers (or nulls, where `allowNull`), else null. */
function integerListProblem(kind: ListKind, name: string, value: unknown, allowNull: boolean): string | null {
  if (Array.isArray(value) && value.every((d) => (allowNull && d === null) || Number.isInteger(d))) return null;
  // formatValue prints NaN and Infinity as such, where JSON.stringify would print null.
  return `${kind} '${name}' must be a list of integers${allowNull ? ' or nulls' : ''}, got ${formatValue(value)}.`;
}

/**
 * Returns what is wrong with the lists of a slice, or null when nothing is: `axes` must hold
 * integers, `starts`, `ends` and the optional `steps` integers or nulls, one entry per listed axis.
 */
export function sliceListsProblem(lists: SliceLists, kind: ListKind): string | null {
  const hasSteps = lists.steps !== undefined && lists.steps !== null;
  const problem =
    integerListProblem(kind, 'axes', lists.axes, false) ??
    integerListProblem(kind, 'starts', lists.starts, true) ??
    integerListProblem(kind, 'ends', lists.ends, true) ??
    (hasSteps ? integerListProblem(kind, 'steps', lists.steps, true) : null);
  if (problem) return problem;
  const count = (lists.axes as unknown[]).length;
  const counts = [count, (lists.starts as unknown[]).length, (lists.ends as unknown[]).length, hasSteps ? (lists.steps as unknown[]).length : count];
  if (counts.every((c) => c === count)) return null;
  return `${kind}s 'axes', 'starts', 'ends' and 'steps' need one entry per sliced axis, got ${counts.slice(0, 3).join(', ')} and ${counts[3]}.`;
}

/**
 * Resolves the attrs of a slice (`axes`, `starts`, `ends`, optional `steps`, one entry per
 * sliced axis) against x's shape, as numpy resolves `x[start:end:step]` for a positive step.
 */
export function resolveSlice(op: string, shape: Shape, attrs: Readonly<Record<string, unknown>>): SliceBounds {
  const problem = sliceListsProblem({ axes: attrs.axes, starts: attrs.starts, ends: attrs.ends, steps: attrs.steps }, 'attr');
  if (problem) throw new OpArgumentError(op, problem);
  const axesAttr = attrs.axes as number[];
  const starts = attrs.starts as (number | null)[];
  const ends = attrs.ends as (number | null)[];
  const steps = attrs.steps === undefined || attrs.steps === null ? axesAttr.map(() => 1) : (attrs.steps as (number | null)[]);
  const out: SliceBounds = {
    starts: shape.map(() => 0),
    ends: [...shape],
    steps: shape.map(() => 1),
    shape: [...shape],
  };
  const seen = new Set<number>();
  axesAttr.forEach((axis, k) => {
    const a = normalizeAxis(axis, shape.length);
    if (a === null) throw new ShapeError(op, `axis ${axis} is out of range for rank ${shape.length}`, [shape]);
    if (seen.has(a)) throw new ShapeError(op, `axes ${formatShape(axesAttr)} name axis ${a} twice`, [shape]);
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
