import type { Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { checkHyperparameter } from './hyperparameters.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1):
 * m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; θ ← θ − lr · m̂ / (√v̂ + ε), with the bias
 * corrections m̂ = m / (1 − β1ᵗ) and v̂ = v / (1 − β2ᵗ).
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamOptions) {
    super(options);
    const owner = this.constructor.name;
    this.beta1 = checkHyperparameter(owner, 'beta1', options.beta1 ?? 0.9, { min: 0, below: 1 });
    this.beta2 = checkHyperparameter(owner, 'beta2', options.beta2 ?? 0.999, { min: 0, below: 1 });
    this.epsilon = checkHyperparameter(owner, 'epsilon', options.epsilon ?? 1e-8, { min: 0 });
  }

  protected appendUpdate(param: Var, grad: Var, ctx: UpdateContext): void {
    const { b } = ctx;
    ctx.write(param, native.sub(b, param, native.mul(b, ctx.lr, this.appendDirection(param, grad, ctx))));
  }

  /** Updates the moments and returns the step direction m̂ / (√v̂ + ε), which lr multiplies. */
  protected appendDirection(param: Var, grad: Var, ctx: UpdateContext): Var {
    const { b } = ctx;
    const m = ctx.state(param, 'moment1', 0);
    const v = ctx.state(param, 'moment2', 0);
    const mNew = native.add(b, native.scale(b, m, this.beta1), native.scale(b, grad, 1 - this.beta1));
    const vNew = native.add(b, native.scale(b, v, this.beta2), native.scale(b, native.mul(b, grad, grad), 1 - this.beta2));
    ctx.write(m, mNew);
    ctx.write(v, vNew);
    // t = step + 1. βᵗ is a pow op and not exp(t log β), because log 0 would put −∞ into an attr.
    const t = native.scale(b, ctx.step, 1, 1);
    const correction = (beta: number) => native.scale(b, native.pow(b, native.fillConstant(b, [], t.dtype, beta), t), -1, 1);
    const correction1 = correction(this.beta1);
    const correction2 = correction(this.beta2);
    const mHat = native.div(b, mNew, correction1);
    const vHat = native.div(b, vNew, correction2);
    return native.div(b, mHat, native.scale(b, native.sqrt(b, vHat), 1, this.epsilon));
  }
}
