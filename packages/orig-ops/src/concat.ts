/** @file The native concat op: joins tensors of one rank and dtype along an axis. */
import { ShapeError, intAttr, normalizeAxis, sameDType, type OpDef, type TensorType } from '@primgrad/ir';

/**
 * Returns the shape of `inputs` joined along `axis` (negative counts from the end). Every input
 * needs the same rank, at least 1, and the same dims off the axis.
 */
export function concatShape(op: string, inputs: readonly TensorType[], axis: number): number[] {
  const shapes = inputs.map((t) => t.shape);
  const rank = shapes[0]!.length;
  if (rank === 0 || shapes.some((s) => s.length !== rank)) {
    throw new ShapeError(op, 'inputs must have one rank of at least 1; reshape a 0-d input to [1] first', shapes);
  }
  const a = normalizeAxis(axis, rank);
  if (a === null) throw new ShapeError(op, `axis ${axis} is out of range for rank ${rank}`, shapes);
  const out = [...shapes[0]!];
  shapes.slice(1).forEach((s, k) => {
    const mismatch = s.findIndex((d, i) => i !== a && d !== out[i]);
    if (mismatch >= 0) {
      throw new ShapeError(
        op,
        `input ${k + 1} has ${s[mismatch]} elements on axis ${mismatch} where input 0 has ${out[mismatch]}; ` +
          `only axis ${a}, the one joined along, may differ`,
        shapes,
      );
    }
    out[a] += s[a]!;
  });
  return out;
}

export const concatDef: OpDef<{ axis: number }> = {
  type: 'concat',
  kind: 'orig',
  inputs: ['x', 'xs'],
  variadic: true,
  doc: 'joins one or more inputs along attr axis (default 0, negative counts from the end); other dims must agree',
  infer(inputs, attrs) {
    const dtype = sameDType('concat', inputs);
    return [{ shape: concatShape('concat', inputs, intAttr('concat', attrs, 'axis', 0)), dtype }];
  },
};
