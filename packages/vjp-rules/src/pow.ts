import type { Var, VjpRule } from '@primgrad/ir';
import { equal, log, mul, pow as powOp, scale, where } from '@primgrad/orig-ops';
import { scalar, unbroadcast } from './helpers.js';

/**
 * x̄ = ct y x^(y-1), ȳ = ct out log(x), each summed back over its broadcast axes.
 *
 * x^(y-1) is used in place of out / x, which is NaN at x = 0, and the slope is 0 where y = 0. In ȳ, log(1) = 0 replaces log(0),
 * as in the linearize rule of pow_p: at x = 0 with y > 0 the limit of out·log(x) is 0, and
 * log(0) would give 0 · -inf = NaN. The guard is on log's input, not its output, so the
 * derivative of ȳ is finite at x = 0 too. For x < 0, log(x) is NaN and so is ȳ.
 */
export const pow: VjpRule = (b, op, [ct], needed) => {
  if (!ct) return [null, null];
  const [x, y] = op.inputs;
  const out = op.outputs[0]!;
  let xBar: Var | null = null;
  if (needed[0]) {
    // Where y = 0 the slope is 0, not 0 · x^(-1), which is NaN at x = 0. x is replaced by 1
    // there before pow too, so derivatives of this slope stay finite as well.
    const yIsZero = equal(b, y!, scalar(b, 0, y!.dtype));
    const base = where(b, yIsZero, scalar(b, 1, x!.dtype), x!);
    const slope = where(b, yIsZero, scalar(b, 0, y!.dtype), mul(b, y!, powOp(b, base, scale(b, y!, 1, -1))));
    xBar = unbroadcast(b, mul(b, ct, slope), x!.shape);
  }
  let yBar: Var | null = null;
  if (needed[1]) {
    const safeX = where(b, equal(b, x!, scalar(b, 0, x!.dtype)), scalar(b, 1, x!.dtype), x!);
    yBar = unbroadcast(b, mul(b, ct, mul(b, out, log(b, safeX))), y!.shape);
  }
  return [xBar, yBar];
};
