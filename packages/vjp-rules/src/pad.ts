import type { VjpRule } from '@primgrad/ir';
import { resolvePadding, slice } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';

/** x̄ = ct at x's positions: a slice from `before` with step interior + 1 on every axis. */
export const pad: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const { before, interior } = resolvePadding('pad', x.shape.length, op.attrs);
  const steps = interior.map((gap) => gap + 1);
  const ends = x.shape.map((d, i) => (d > 0 ? before[i]! + (d - 1) * steps[i]! + 1 : before[i]!));
  return slice(b, ct, x.shape.map((_, i) => i), before, ends, steps);
});
