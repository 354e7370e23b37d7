/** @file pad_p: zero padding before, after and between the elements of every axis. Linear; its transpose is slice_p. */
import { OpArgumentError, formatShape, formatValue, type Builder, type OpDef, type Var } from '@primgrad/ir';

function padList(attrs: Readonly<Record<string, unknown>>, name: string, shape: readonly number[]): number[] {
  const v = attrs[name];
  if (!Array.isArray(v) || v.length !== shape.length || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new OpArgumentError(
      'pad_p',
      `attr '${name}' must be one non-negative integer per axis of x ${formatShape(shape)}, got ${formatValue(v)}.`,
    );
  }
  return v as number[];
}

export const padPDef: OpDef<{ before: number[]; after: number[]; interior: number[] }> = {
  type: 'pad_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'x with attr before, after and interior (between neighbours) zeros on every axis',
  linearIn: [0],
  infer([x], attrs) {
    const shape = x!.shape;
    const before = padList(attrs, 'before', shape);
    const after = padList(attrs, 'after', shape);
    const interior = padList(attrs, 'interior', shape);
    return [{ shape: shape.map((d, i) => before[i]! + after[i]! + d + Math.max(d - 1, 0) * interior[i]!), dtype: x!.dtype }];
  },
};

export const padP = (b: Builder, x: Var, before: readonly number[], after: readonly number[], interior: readonly number[]): Var =>
  b.emit1('pad_p', [x], { before: [...before], after: [...after], interior: [...interior] });
