import type { VjpRule } from '@primgrad/ir';
import { equal, greaterThan, scale, where } from '@primgrad/orig-ops';
import { scalar, unbroadcast } from './helpers.js';

/**
 * x̄ = w ct, ȳ = (1 - w) ct, with w = 1 where x > y, 0 where x < y and 1/2 at ties. Splitting a
 * tie evenly matches the linearize rule of max_p, so both mechanisms give the same gradient
 * there. Each cotangent is summed back over its input's broadcast axes.
 */
export const maximum: VjpRule = (b, op, [ct], needed) => {
  if (!ct) return [null, null];
  const [x, y] = op.inputs;
  const xWins = greaterThan(b, x!, y!);
  const tie = equal(b, x!, y!);
  const half = scale(b, ct, 0.5);
  const zero = scalar(b, 0, ct.dtype);
  return [
    needed[0] ? unbroadcast(b, where(b, xWins, ct, where(b, tie, half, zero)), x!.shape) : null,
    needed[1] ? unbroadcast(b, where(b, xWins, zero, where(b, tie, half, ct)), y!.shape) : null,
  ];
};
