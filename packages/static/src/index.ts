export { enablePrim, disablePrim, primEnabled } from './mode.js';
export { programGuard, defaultMainProgram, defaultStartupProgram, registryOf, globalScope, builderFor } from './context.js';
export {
  data,
  createParameter,
  constantInit,
  uniformInit,
  normalInit,
  xavierUniformInit,
  assignInit,
  type Initializer,
  type ParameterOptions,
} from './layers.js';
export * from './ops.js';
export { gradients } from './gradients.js';
export { Executor, addRunHook, type RunOptions, type FeedValue } from './executor.js';
export { Optimizer, type OptimizerOptions, type MinimizeOptions, type UpdateContext, type LearningRate } from './optimizer.js';
export { Adam, type AdamOptions } from './adam.js';
export { prim2orig } from './prim2orig.js';
export { Program, Scope, NDArray, printBlock, printProgram } from '@primgrad/ir';
export { SGD } from './sgd.js';
export { Momentum, type MomentumOptions } from './momentum.js';
export { AdamW } from './adamw.js';
export { RMSProp, type RMSPropOptions } from './rmsprop.js';
