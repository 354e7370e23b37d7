import { intAttr, normalizeAxis, type Var, type VjpRule } from '@primgrad/ir';
import { slice } from '@primgrad/orig-ops';

/** x̄ᵢ = the part of ct along the axis that xᵢ fills. */
export const concat: VjpRule = (b, op, [ct], needed) => {
  if (!ct) return op.inputs.map(() => null);
  const axis = normalizeAxis(intAttr('concat', op.attrs, 'axis', 0), ct.shape.length)!;
  let offset = 0;
  return op.inputs.map((x, i): Var | null => {
    const start = offset;
    offset += x.shape[axis]!;
    return needed[i] ? slice(b, ct, [axis], [start], [offset]) : null;
  });
};
