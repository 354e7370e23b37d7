import type { VjpRule } from '@primgrad/ir';
import { pad, resolveSlice } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';

/**
 * x̄ = ct placed back at the sliced positions in zeros: start zeros before, step - 1 between
 * neighbours and the rest of each axis after.
 */
export const slice: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const { starts, steps } = resolveSlice('slice', x.shape, op.attrs);
  const after = x.shape.map((dim, i) => {
    const n = ct.shape[i]!;
    const last = n > 0 ? starts[i]! + (n - 1) * steps[i]! : starts[i]! - 1;
    return dim - last - 1;
  });
  return pad(b, ct, starts, after, steps.map((s) => s - 1));
});
