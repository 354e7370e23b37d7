import { ArgumentError, Builder, NDArray, type Block, type Op, type Program, type Var } from '@primgrad/ir';
import * as native from '@primgrad/orig-ops';
import { builderFor, defaultStartupProgram, registryOf } from './context.js';
import { addRunHook } from './executor.js';
import { gradients } from './gradients.js';
import { checkHyperparameter } from './hyperparameters.js';

/** A learning rate: a constant, or a function of the number of steps already taken (0 on the first step). */
export type LearningRate = number | ((step: number) => number);

export interface OptimizerOptions {
  learningRate: LearningRate;
  /**
   * L2 weight decay coefficient: `weightDecay * param` is added to each gradient before the
   * update. AdamW applies it decoupled from the gradient instead.
   */
  weightDecay?: number;
  /** Rescales all gradients together when their global L2 norm exceeds this value. */
  clipGlobalNorm?: number;
}

export interface MinimizeOptions {
  /** Parameters to update; by default every trainable parameter of the loss's program. */
  parameters?: readonly Var[];
  noGradSet?: Iterable<Var>;
  /** The program that initializes optimizer state; the current startup program by default. */
  startupProgram?: Program;
}

/** The vars and helpers an update rule uses besides the parameter and its gradient. */
export interface UpdateContext {
  readonly b: Builder;
  /** The learning rate for this step, a 0-d var. */
  readonly lr: Var;
  /** Steps taken before this one, as a 0-d var (0 on the first step). */
  readonly step: Var;
  /** Creates a persistable state var initialized to `value` in the startup program. */
  state(param: Var, suffix: string, value: number, shape?: readonly number[]): Var;
  /** Emits an in-place write of `value` into the persistable var `target`. */
  write(target: Var, value: Var): void;
}

/**
 * The base of the optimizers: `minimize` appends the gradient ops (through `gradients`, so it
 * follows the prim switch), then gradient clipping and weight decay, then each parameter's
 * update as native ops that write parameters and state in place.
 */
export abstract class Optimizer {
  readonly learningRate: LearningRate;
  readonly weightDecay: number;
  readonly clipGlobalNorm: number | undefined;

  constructor(options: OptimizerOptions) {
    const lr = options?.learningRate;
    if (typeof lr !== 'function' && (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0)) {
      throw new ArgumentError(`${this.constructor.name}: learningRate must be a non-negative number or a function of the step, got ${String(lr)}.`);
    }
    this.learningRate = lr;
    this.weightDecay = checkHyperparameter(this.constructor.name, 'weightDecay', options.weightDecay ?? 0, { min: 0 });
    this.clipGlobalNorm = options.clipGlobalNorm;
    // An infinite threshold would make the clip factor ∞/∞ = NaN, so it is rejected with the rest.
    if (this.clipGlobalNorm !== undefined && !(Number.isFinite(this.clipGlobalNorm) && this.clipGlobalNorm > 0)) {
      throw new ArgumentError(`${this.constructor.name}: clipGlobalNorm must be a finite number > 0, got ${String(this.clipGlobalNorm)}.`);
    }
  }

  /** True when weight decay is added to the gradient (L2) rather than applied by the update rule. */
  protected get couplesWeightDecay(): boolean {
    return true;
  }

  /** Emits the update of one parameter; `grad` already includes clipping and coupled weight decay. */
  protected abstract appendUpdate(param: Var, grad: Var, ctx: UpdateContext): void;

  /**
   * Appends the gradient and update ops that take one optimization step on `loss`, and returns
   * the appended update ops and the (parameter, gradient) pairs.
   */
  minimize(loss: Var, options: MinimizeOptions = {}): [Op[], [Var, Var][]] {
    if (!loss || typeof loss !== 'object' || !('block' in loss)) throw new ArgumentError('minimize: loss must be a var.');
    const block = loss.block;
    const params = options.parameters
      ? [...options.parameters]
      : [...block.vars.values()].filter((v) => v.isParameter && !v.stopGradient);
    if (params.length === 0) throw new ArgumentError(`minimize: the program of '${loss.name}' has no trainable parameters.`);
    for (const p of params) {
      if (!p.persistable) throw new ArgumentError(`minimize: '${p.name}' is not a parameter (not persistable); create it with createParameter.`);
    }
    const noGrad = new Set(options.noGradSet ?? []);
    const trained = params.filter((p) => !noGrad.has(p));
    const grads = gradients([loss], trained, undefined, noGrad);
    const pairs: [Var, Var][] = trained.map((p, i) => [p, grads[i]!]);

    const b = builderFor(block);
    const start = b.emitted.length;
    const ctx = this.context(b, block, options.startupProgram ?? defaultStartupProgram());
    const clipped = this.clip(b, pairs.map(([, g]) => g));
    pairs.forEach(([p, g], i) => {
      let grad = clipped[i]!;
      if (this.weightDecay > 0 && this.couplesWeightDecay) grad = native.add(b, grad, native.scale(b, p, this.weightDecay));
      this.appendUpdate(p, grad, ctx);
    });
    ctx.write(ctx.step, native.scale(b, ctx.step, 1, 1));
    return [b.emitted.slice(start), pairs];
  }

  private clip(b: Builder, grads: Var[]): Var[] {
    if (this.clipGlobalNorm === undefined || grads.length === 0) return grads;
    // Pascanu et al. (2013): scale every gradient by clip / max(clip, global norm).
    const squares = grads.map((g) => native.reduceSum(b, native.mul(b, g, g)));
    const total = squares.slice(1).reduce((acc, s) => native.add(b, acc, s), squares[0]!);
    const norm = native.sqrt(b, total);
    const clip = native.fillConstant(b, [], norm.dtype, this.clipGlobalNorm);
    const factor = native.div(b, clip, native.maximum(b, clip, norm));
    return grads.map((g) => native.mul(b, g, native.cast(b, factor, g.dtype)));
  }

  private context(b: Builder, block: Block, startup: Program): UpdateContext {
    const registry = registryOf(block.program);
    const startupBlock = startup.globalBlock();
    const sb = new Builder(startupBlock, registry);
    const dtype = [...block.vars.values()].find((v) => v.isParameter)?.dtype ?? 'float32';
    const createState = (prefix: string, shape: readonly number[], stateDType: typeof dtype, value: number): Var => {
      const name = block.program.uniqueName(prefix);
      const v = block.createVar({ name, shape, dtype: stateDType, persistable: true });
      const sv = startupBlock.createVar({ name, shape, dtype: stateDType, persistable: true });
      sb.emitInto('fill_constant', [], [sv], { shape: [...shape], dtype: stateDType, value });
      return v;
    };
    const state = (param: Var, suffix: string, value: number, shape: readonly number[] = param.shape): Var =>
      createState(`${param.name}_${suffix}`, shape, param.dtype, value);
    const prefix = this.constructor.name.toLowerCase();
    const step = createState(`${prefix}_step`, [], dtype, 0);
    let lr: Var;
    if (typeof this.learningRate === 'number') {
      lr = native.fillConstant(b, [], dtype, this.learningRate);
    } else {
      const schedule = this.learningRate;
      lr = createState(`${prefix}_learning_rate`, [], dtype, 0);
      addRunHook(block.program, (scope) => {
        const taken = scope.find(step.name)?.item() ?? 0;
        const value = schedule(taken);
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new ArgumentError(`The learning-rate schedule returned ${String(value)} at step ${taken}; it must return a finite number.`);
        }
        scope.set(lr.name, NDArray.full(dtype, [], value));
      });
    }
    return {
      b,
      lr,
      step,
      state,
      write: (target, value) => {
        b.emitInto('assign', [value], [target]);
      },
    };
  }
}
