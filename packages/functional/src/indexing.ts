/**
 * @file Indices for Jacobian.get and Hessian.get, with Python's slice semantics: an int
 * (negative counts from the end) drops its axis, a range keeps it, null keeps the whole axis.
 */
import { ArgumentError, formatValue } from '@primgrad/ir';

/** A range of positions on one axis; `stop` is exclusive, negatives count from the end, `step` defaults to 1. */
export type Range =
  | readonly [start: number | null, stop: number | null]
  | { readonly start?: number | null; readonly stop?: number | null; readonly step?: number | null };

/** An index on one axis: an int, a range, or null for the whole axis. */
export type Index = number | Range | null;

/** The positions an index selects on one axis, and whether the axis stays in the result. */
export interface ResolvedIndex {
  readonly positions: number[];
  readonly keep: boolean;
}

function bound(value: unknown, what: string, api: string, axis: number): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ArgumentError(`${api}: the ${what} of the range on axis ${axis} must be an integer or null, got ${formatValue(value)}.`);
  }
  return value;
}

/** Resolves `index` on an axis of `size`; `api` and `axis` name it in errors. */
export function resolveIndex(index: Index | undefined, size: number, axis: number, api: string): ResolvedIndex {
  if (index === null || index === undefined) return { positions: Array.from({ length: size }, (_, i) => i), keep: true };
  if (typeof index === 'number') {
    if (!Number.isInteger(index)) throw new ArgumentError(`${api}: the index on axis ${axis} must be an integer, got ${index}.`);
    const position = index < 0 ? index + size : index;
    if (position < 0 || position >= size) {
      throw new ArgumentError(`${api}: index ${index} is out of range for axis ${axis} of size ${size} (valid: ${-size} to ${size - 1}).`);
    }
    return { positions: [position], keep: false };
  }
  let start: number | null;
  let stop: number | null;
  let step: number;
  if (Array.isArray(index)) {
    if (index.length !== 2) {
      throw new ArgumentError(`${api}: a range on axis ${axis} is [start, stop], got an array of ${index.length}; use { start, stop, step } for a step.`);
    }
    start = bound(index[0], 'start', api, axis);
    stop = bound(index[1], 'stop', api, axis);
    step = 1;
  } else if (typeof index === 'object') {
    const r = index as { start?: unknown; stop?: unknown; step?: unknown };
    const unknown = Object.keys(r).filter((k) => k !== 'start' && k !== 'stop' && k !== 'step');
    if (unknown.length > 0) {
      throw new ArgumentError(`${api}: the range on axis ${axis} has unknown key '${unknown[0]}'; a range is { start, stop, step }.`);
    }
    start = bound(r.start, 'start', api, axis);
    stop = bound(r.stop, 'stop', api, axis);
    step = bound(r.step, 'step', api, axis) ?? 1;
    if (step === 0) throw new ArgumentError(`${api}: the step of the range on axis ${axis} must not be 0.`);
  } else {
    throw new ArgumentError(
      `${api}: the index on axis ${axis} must be an integer, a range ([start, stop] or { start, stop, step }) or null, got ${formatValue(index)}.`,
    );
  }
  return { positions: slicePositions(start, stop, step, size), keep: true };
}

/** The positions of Python's `range(size)[start:stop:step]`. */
function slicePositions(start: number | null, stop: number | null, step: number, size: number): number[] {
  const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);
  const normalize = (value: number): number => (value < 0 ? value + size : value);
  const positions: number[] = [];
  if (step > 0) {
    const first = start === null ? 0 : clamp(normalize(start), 0, size);
    const end = stop === null ? size : clamp(normalize(stop), 0, size);
    for (let i = first; i < end; i += step) positions.push(i);
  } else {
    const first = start === null ? size - 1 : clamp(normalize(start), -1, size - 1);
    const end = stop === null ? -1 : clamp(normalize(stop), -1, size - 1);
    for (let i = first; i > end; i += step) positions.push(i);
  }
  return positions;
}
