import type { Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
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
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  protected appendUpdate(param: Var, grad: Var, ctx: UpdateContext): void {
    const { b } = ctx;
    const m = ctx.state(param, 'moment1', 0);
    const v = ctx.state(param, 'moment2', 0);
    const mNew = native.add(b, native.scale(b, m, this.beta1), native.scale(b, grad, 1 - this.beta1));
    const vNew = native.add(b, native.scale(b, v, this.beta2), native.scale(b, native.mul(b, grad, grad), 1 - this.beta2));
    ctx.write(m, mNew);
    ctx.write(v, vNew);
    // t = step + 1; the corrections 1 − βᵗ are computed as 1 − exp(t log β).
    const t = native.scale(b, ctx.step, 1, 1);
    const correction1 = native.scale(b, native.exp(b, native.scale(b, t, Math.log(this.beta1))), -1, 1);
    const correction2 = native.scale(b, native.exp(b, native.scale(b, t, Math.log(this.beta2))), -1, 1);
    const mHat = native.div(b, mNew, correction1);
    const vHat = native.div(b, vNew, correction2);
    const update = native.div(b, native.mul(b, ctx.lr, mHat), native.scale(b, native.sqrt(b, vHat), 1, this.epsilon));
    ctx.write(param, native.sub(b, param, update));
  }
}
