/** @file The native pad op: zeros before, after and between the elements of each axis. */
import { OpArgumentError, formatValue, type OpDef, type Shape } from '@primgrad/ir';
import type { ListKind } from './slice.js';

/** Zero padding per axis of x: elements added before the first, after the last, and between neighbours. */
export interface Padding {
  readonly before: number[];
  readonly after: number[];
  readonly interior: number[];
}

/** The counts that define a padding, unchecked: attrs of the op or arguments of an API function. */
export interface PaddingLists {
  readonly before: unknown;
  readonly after: unknown;
  /** Absent or null means no interior padding. */
  readonly interior?: unknown;
}

function countListProblem(kind: ListKind, name: string, value: unknown, rank: number): string | null {
  if (Array.isArray(value) && value.length === rank && value.every((d) => Number.isInteger(d) && d >= 0)) return null;
  const negative = Array.isArray(value) && value.some((d) => Number.isInteger(d) && d < 0);
  // formatValue prints NaN and Infinity as such, where JSON.stringify would print null.
  return (
    `${kind} '${name}' must be ${rank} non-negative integer(s), one per axis of x, got ${formatValue(value)}.` +
    (negative ? ' Use slice to remove elements.' : '')
  );
}

/**
 * Returns what is wrong with the counts of a padding of a rank-`rank` x, or null when nothing
 * is: `before`, `after` and, unless `interiorOptional` lets it be absent, `interior` must each
 * hold one non-negative integer per axis.
 */
export function paddingListsProblem(lists: PaddingLists, rank: number, kind: ListKind, interiorOptional = true): string | null {
  const interiorAbsent = lists.interior === undefined || lists.interior === null;
  return (
    countListProblem(kind, 'before', lists.before, rank) ??
    countListProblem(kind, 'after', lists.after, rank) ??
    (interiorOptional && interiorAbsent ? null : countListProblem(kind, 'interior', lists.interior, rank))
  );
}

/** Reads `before`, `after` and optional `interior` (zeros when absent), each one entry per axis of x. */
export function resolvePadding(op: string, rank: number, attrs: Readonly<Record<string, unknown>>, interiorOptional = true): Padding {
  const problem = paddingListsProblem({ before: attrs.before, after: attrs.after, interior: attrs.interior }, rank, 'attr', interiorOptional);
  if (problem) throw new OpArgumentError(op, problem);
  const interior = attrs.interior === undefined || attrs.interior === null ? new Array<number>(rank).fill(0) : (attrs.interior as number[]);
  return { before: attrs.before as number[], after: attrs.after as number[], interior };
}

/** Computes the shape of x padded: before + after + d + (d - 1) · interior per axis of size d. */
export function paddedShape(shape: Shape, padding: Padding): number[] {
  return shape.map((d, i) => padding.before[i]! + padding.after[i]! + d + Math.max(d - 1, 0) * padding.interior[i]!);
}

export const padDef: OpDef<{ before: number[]; after: number[]; interior?: number[] }> = {
  type: 'pad',
  kind: 'orig',
  inputs: ['x'],
  doc: 'x with zeros added per axis: attr before, after and optional interior (between neighbours) counts',
  infer([x], attrs) {
    return [{ shape: paddedShape(x!.shape, resolvePadding('pad', x!.shape.length, attrs)), dtype: x!.dtype }];
  },
};
