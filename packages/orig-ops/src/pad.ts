/** @file The native pad op: zeros before, after and between the elements of each axis. */
import { OpArgumentError, type OpDef, type Shape } from '@primgrad/ir';

/** Zero padding per axis of x: elements added before the first, after the last, and between neighbours. */
export interface Padding {
  readonly before: number[];
  readonly after: number[];
  readonly interior: number[];
}

function paddingList(op: string, attrs: Readonly<Record<string, unknown>>, name: string, rank: number, optional: boolean): number[] {
  const v = attrs[name];
  if (optional && (v === undefined || v === null)) return new Array<number>(rank).fill(0);
  if (!Array.isArray(v) || v.length !== rank || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new OpArgumentError(
      op,
      `attr '${name}' must be ${rank} non-negative integer(s), one per axis of x, got ${JSON.stringify(v)}. ` +
        'Use slice to remove elements.',
    );
  }
  return v as number[];
}

/** Reads `before`, `after` and optional `interior` (zeros when absent), each one entry per axis of x. */
export function resolvePadding(op: string, rank: number, attrs: Readonly<Record<string, unknown>>, interiorOptional = true): Padding {
  return {
    before: paddingList(op, attrs, 'before', rank, false),
    after: paddingList(op, attrs, 'after', rank, false),
    interior: paddingList(op, attrs, 'interior', rank, interiorOptional),
  };
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
