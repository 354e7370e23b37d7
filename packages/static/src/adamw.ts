import type { Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { Adam, type AdamOptions } from './adam.js';
import type { UpdateContext } from './optimizer.js';

/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019,
 * Algorithm 2): Adam whose weight decay acts on the parameters, not through the moments.
 * With Adam's moments and bias corrections:
 *
 *   θ ← θ − lr · (m̂ / (√v̂ + ε) + λ θ)
 *
 * λ is `weightDecay`, 0.01 by default. The paper scales the Adam term by α and both terms by a
 * schedule multiplier η; here lr stands for α·η on both terms, as in torch.optim.AdamW, so this
 * λ is the paper's λ divided by α.
 */
export class AdamW extends Adam {
  constructor(options: AdamOptions) {
    super({ ...options, weightDecay: options?.weightDecay ?? 0.01 });
  }

  protected override get couplesWeightDecay(): boolean {
    return false;
  }

  protected override appendDirection(param: Var, grad: Var, ctx: UpdateContext): Var {
    const direction = super.appendDirection(param, grad, ctx);
    if (this.weightDecay === 0) return direction;
    return native.add(ctx.b, direction, native.scale(ctx.b, param, this.weightDecay));
  }
}
