import type { VjpRule } from '@primgrad/ir';
import { where as whereOp } from '@primgrad/orig-ops';
import { scalar, unbroadcast } from './helpers.js';

/**
 * x̄ = ct where condition, else 0; ȳ = ct where not condition, else 0. The bool condition gets
 * no cotangent. The three inputs broadcast together, so each cotangent is summed back to its
 * input's shape.
 */
export const where: VjpRule = (b, op, [ct], needed) => {
  if (!ct) return [null, null, null];
  const [condition, x, y] = op.inputs;
  const zero = scalar(b, 0, ct.dtype);
  return [
    null,
    needed[1] ? unbroadcast(b, whereOp(b, condition!, ct, zero), x!.shape) : null,
    needed[2] ? unbroadcast(b, whereOp(b, condition!, zero, ct), y!.shape) : null,
  ];
};
