import type { Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { checkFlag, checkHyperparameter } from './hyperparameters.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface MomentumOptions extends OptimizerOptions {
  /** The momentum coefficient μ, 0.9 by default. */
  momentum?: number;
  /** Nesterov's accelerated gradient in place of classical momentum, off by default. */
  nesterov?: boolean;
}

/**
 * SGD with momentum (Sutskever, Martens, Dahl and Hinton, "On the importance of initialization
 * and momentum in deep learning", ICML 2013), in the form that torch.optim.SGD documents:
 *
 *   v ← μ v + g;  θ ← θ − lr · v                 (classical momentum)
 *   v ← μ v + g;  θ ← θ − lr · (g + μ v)         (Nesterov, with the v just computed)
 *
 * The velocity v starts at zero. The paper keeps the learning rate inside the velocity
 * (v ← μ v − lr g; θ ← θ + v). Both forms give the same trajectory for a constant learning rate,
 * but with a schedule this form applies each step's lr to the whole velocity.
 */
export class Momentum extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: MomentumOptions) {
    super(options);
    this.momentum = checkHyperparameter('Momentum', 'momentum', options.momentum ?? 0.9, { min: 0 });
    this.nesterov = checkFlag('Momentum', 'nesterov', options.nesterov, false);
  }

  protected appendUpdate(param: Var, grad: Var, ctx: UpdateContext): void {
    const { b } = ctx;
    const velocity = ctx.state(param, 'velocity', 0);
    const velocityNew = native.add(b, native.scale(b, velocity, this.momentum), grad);
    ctx.write(velocity, velocityNew);
    const direction = this.nesterov ? native.add(b, grad, native.scale(b, velocityNew, this.momentum)) : velocityNew;
    ctx.write(param, native.sub(b, param, native.mul(b, ctx.lr, direction)));
  }
}
