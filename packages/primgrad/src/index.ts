/**
 * @file The umbrella package: one import with the Program API, the functional API, the
 * drivers and the CPU backend, and a default registry holding every standard plugin.
 *
 * Importing this module adds the standard plugins to the process-wide default registry (once;
 * a second copy of the package adds nothing). That is this package's one side effect, so its
 * package.json says `sideEffects: true`; the packages it composes register nothing on import.
 */
import { defaultRegistry, type Plugin, type Registry } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { vjpRulesPlugin } from '@primgrad/vjp-rules';
import { backendCpuPlugin } from '@primgrad/backend-cpu';

/** Every plugin this repository ships, in an order that registers cleanly. */
export const standardPlugins: readonly Plugin[] = [
  origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  vjpRulesPlugin,
  backendCpuPlugin,
];

/** Adds the standard plugins to `registry` (the default registry unless given); safe to call twice. */
export function useStandardPlugins(registry: Registry = defaultRegistry()): Registry {
  for (const plugin of standardPlugins) registry.use(plugin);
  return registry;
}

useStandardPlugins();

export * from '@primgrad/static';
export { CPUPlace, backendCpuPlugin } from '@primgrad/backend-cpu';
// The drivers live under `transforms` because `transpose` is also a Program-API op and
// `linearize` a functional API; orig2prim has no such clash and is exported directly too.
export { orig2prim } from '@primgrad/transforms';
export * as transforms from '@primgrad/transforms';
export {
  Builder,
  Registry,
  createRegistry,
  defaultRegistry,
  verifyBlock,
  programToJSON,
  programFromJSON,
  PrimgradError,
  ShapeError,
  OpArgumentError,
  MissingRuleError,
  MissingKernelError,
  PrimNotLoweredError,
  PluginError,
  RuleOutputError,
  ArgumentError,
  type Var,
  type Op,
  type Block,
  type DType,
  type Plugin,
} from '@primgrad/ir';
export { origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, linearizeRulesPlugin, transposeRulesPlugin, vjpRulesPlugin };
export {
  jvp,
  vjp,
  linearize,
  grad,
  valueAndGrad,
  Jacobian,
  Hessian,
  jacobian,
  hessian,
  Tensor,
  printStages,
  type JacobianOptions,
  type FunctionalOptions,
  type Index,
  type Range,
} from '@primgrad/functional';
// The whole functional API, including its tensor ops, whose names clash with the Program API's.
export * as functional from '@primgrad/functional';
