/** @file concat_p: joins inputs along an axis. It is linear in every input, however many there are. */
import { OpArgumentError, ShapeError, intAttr, sameDType, type Builder, type OpDef, type Var } from '@primgrad/ir';

export const concatPDef: OpDef<{ axis: number }> = {
  type: 'concat_p',
  kind: 'prim',
  inputs: ['x', 'xs'],
  variadic: true,
  doc: 'joins one or more inputs of one rank and dtype along attr axis (non-negative); other dims must agree',
  // Input 1 is the repeated one, so [0, 1] makes the op linear in every input.
  linearIn: [0, 1],
  infer(inputs, attrs) {
    const dtype = sameDType('concat_p', inputs);
    const axis = intAttr('concat_p', attrs, 'axis');
    const shapes = inputs.map((t) => t.shape);
    const rank = shapes[0]!.length;
    if (rank === 0 || shapes.some((s) => s.length !== rank)) {
      throw new ShapeError('concat_p', 'inputs must have one rank of at least 1', shapes);
    }
    if (axis < 0 || axis >= rank) {
      throw new OpArgumentError('concat_p', `attr 'axis' must be an axis from 0 to ${rank - 1}, got ${axis}.`);
    }
    const out = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      if (s.some((d, i) => i !== axis && d !== out[i])) {
        throw new ShapeError('concat_p', `inputs must agree on every axis but ${axis}`, shapes);
      }
      out[axis] += s[axis]!;
    }
    return [{ shape: out, dtype }];
  },
};

export const concatP = (b: Builder, xs: readonly Var[], axis: number): Var => b.emit1('concat_p', xs, { axis });
