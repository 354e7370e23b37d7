import { ArgumentError, type Var } from '@primgrad/ir';
import { builderFor } from 'primgrad';
import { buildCumsum } from './cumsum.js';
import { buildSoftplus } from './softplus.js';

function checkVar(op: string, x: unknown): Var {
  if (!x || typeof x !== 'object' || !('block' in x)) {
    throw new ArgumentError(`${op}: 'x' must be a var (got ${x === null ? 'null' : typeof x}).`);
  }
  return x as Var;
}

/** Appends softplus(x) = log(1 + exp(x)), elementwise, to the block of `x` (the Program API form). */
export function softplus(x: Var): Var {
  return buildSoftplus(builderFor(checkVar('softplus', x).block), x);
}

/**
 * Appends the cumulative sum of `x` along `axis` (negative counts from the end) to the block of
 * `x`. With `reverse` the sum runs from the end of the axis.
 */
export function cumsum(x: Var, axis: number, options: { reverse?: boolean } = {}): Var {
  return buildCumsum(builderFor(checkVar('cumsum', x).block), x, axis, options.reverse ?? false);
}
