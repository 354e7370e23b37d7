import type { Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { checkFlag, checkHyperparameter } from './hyperparameters.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface RMSPropOptions extends OptimizerOptions {
  /** The decay ρ of the running averages, 0.9 by default. */
  rho?: number;
  /** The term added to √E[g²], outside the square root, 1e-8 by default. */
  epsilon?: number;
  /** The momentum coefficient μ. The default 0 keeps no momentum buffer. */
  momentum?: number;
  /** The centered variant, which divides by an estimate of the gradient's variance instead of its second moment. */
  centered?: boolean;
}

/**
 * RMSProp (Hinton, Srivastava and Swersky, "Neural Networks for Machine Learning", Coursera,
 * lecture 6e, 2012), with the momentum and centered variants of Graves ("Generating Sequences
 * With Recurrent Neural Networks", arXiv:1308.0850, 2013). Every running average starts at zero:
 *
 *   E[g²] ← ρ E[g²] + (1 − ρ) g²
 *   centered:     E[g] ← ρ E[g] + (1 − ρ) g,  s = max(E[g²] − E[g]², 0);  otherwise s = E[g²]
 *   no momentum:  θ ← θ − lr · g / (√s + ε)
 *   momentum μ:   b ← μ b + g / (√s + ε);  θ ← θ − lr · b
 *
 * ε is added after the square root and lr multiplies the buffer b, as in torch.optim.RMSprop.
 * The PyTorch documentation notes that TensorFlow adds ε before taking the square root instead.
 * The clamp at 0 is not in those sources. E[g²] − E[g]² is never negative in exact arithmetic,
 * but when the gradient barely varies, rounding can make it so, and √ of it would be NaN.
 */
export class RMSProp extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(options: RMSPropOptions) {
    super(options);
    this.rho = checkHyperparameter('RMSProp', 'rho', options.rho ?? 0.9, { min: 0, below: 1 });
    this.epsilon = checkHyperparameter('RMSProp', 'epsilon', options.epsilon ?? 1e-8, { min: 0 });
    this.momentum = checkHyperparameter('RMSProp', 'momentum', options.momentum ?? 0, { min: 0 });
    this.centered = checkFlag('RMSProp', 'centered', options.centered, false);
  }

  protected appendUpdate(param: Var, grad: Var, ctx: UpdateContext): void {
    const { b } = ctx;
    const meanSquare = ctx.state(param, 'mean_square', 0);
    const meanSquareNew = this.appendAverage(ctx, meanSquare, native.mul(b, grad, grad));
    let second = meanSquareNew;
    if (this.centered) {
      const meanGrad = ctx.state(param, 'mean_grad', 0);
      const meanGradNew = this.appendAverage(ctx, meanGrad, grad);
      const variance = native.sub(b, meanSquareNew, native.mul(b, meanGradNew, meanGradNew));
      second = native.maximum(b, variance, native.fillConstant(b, [], variance.dtype, 0));
    }
    let direction = native.div(b, grad, native.scale(b, native.sqrt(b, second), 1, this.epsilon));
    if (this.momentum > 0) {
      const buffer = ctx.state(param, 'momentum', 0);
      direction = native.add(b, native.scale(b, buffer, this.momentum), direction);
      ctx.write(buffer, direction);
    }
    ctx.write(param, native.sub(b, param, native.mul(b, ctx.lr, direction)));
  }

  /** Emits ρ · average + (1 − ρ) · value and writes it back into `average`. */
  private appendAverage(ctx: UpdateContext, average: Var, value: Var): Var {
    const { b } = ctx;
    const updated = native.add(b, native.scale(b, average, this.rho), native.scale(b, value, 1 - this.rho));
    ctx.write(average, updated);
    return updated;
  }
}
