/**
 * @file @primgrad/functional: derivatives of TypeScript functions written with a tensor API.
 * A function is traced into a program of native ops once per input signature, lowered to
 * prims, linearized (and transposed for reverse mode), split into a primal part that runs once
 * and a linear part that runs batched.
 */
export { Tensor, isTensor, nativeOp, type Operand, type Constant, type Axis } from './tensor.js';
export * from './ops.js';
export {
  jvp,
  vjp,
  linearize,
  grad,
  valueAndGrad,
  type TensorOutput,
  type Concrete,
  type Traced,
  type SingleValue,
  type GradFunction,
  type ValueAndGradFunction,
} from './api.js';
export { Jacobian, Hessian, jacobian, hessian, type JacobianOptions } from './jacobian.js';
export type { Index, Range } from './indexing.js';
export { batchRules, batchBlock, BatchRuleError, type BatchRule, type BatchedProgram } from './batch.js';
export { defaultPlace, type FunctionalOptions } from './context.js';
export { printStages, type Stages } from './stages.js';
export type { Mode } from './pipeline.js';
export type { ArrayValue, Input } from './values.js';
export type { TensorFunction } from './trace.js';
