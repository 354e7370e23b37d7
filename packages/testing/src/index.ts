/**
 * @file A conformance kit for rule authors. Each check builds a one-op program over any registry
 * (ours or a third party's), transforms it and runs it on the CPU backend. It then compares the
 * result with independent math: central finite differences for linearize rules, and the
 * projection identity for transpose rules. A failing check throws ConformanceError with a report
 * naming the op, the rule kind, the plugin that registered the rule and the worst element.
 */
export { checkLinearize, type LinearizeCheckSpec } from './linearize.js';
export { checkTranspose } from './transpose.js';
export type { OpCheckSpec, OperandSpec } from './spec.js';
export {
  ConformanceError,
  formatWorst,
  type CheckKind,
  type CheckReport,
  type Projection,
  type RuleUse,
  type Tolerance,
  type WorstElement,
} from './report.js';
export { buildOpProgram, runBlock, type Feed, type InputType, type OpProgram, type RunOptions } from './run.js';
export { awayFromZero, createRng, defaultSampler, randomArray, uniform, type Rng, type Sampler } from './random.js';
export { primCheckCases, type NamedCheckSpec } from './prim-cases.js';
