import type { Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { Optimizer, type UpdateContext } from './optimizer.js';

/**
 * Stochastic gradient descent (Robbins and Monro, "A Stochastic Approximation Method", Annals of
 * Mathematical Statistics, 1951): θ ← θ − lr · g.
 */
export class SGD extends Optimizer {
  protected appendUpdate(param: Var, grad: Var, ctx: UpdateContext): void {
    const { b } = ctx;
    ctx.write(param, native.sub(b, param, native.mul(b, ctx.lr, grad)));
  }
}
