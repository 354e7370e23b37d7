/**
 * @file A conformance kit for rule authors. Each check builds a one-op program over any registry
 * (ours or a third party's), transforms it and runs it on the CPU backend. It then compares the
 * result with independent math or with the other mechanism. Linearize rules and second
 * derivatives meet central finite differences, and transpose rules the projection identity.
 * Orig2prim rules meet the op's CPU kernel, prim2orig rules a reference function or a round
 * trip, and vjp rules the prim mechanism. A failing check throws ConformanceError with a report
 * naming the op, the rule kind, the plugin that registered the rule and the worst element.
 * `coverageReport` lists every rule or kernel that the ops of a registry need and lack.
 */
export { checkLinearize, type LinearizeCheckSpec } from './linearize.js';
export { checkTranspose } from './transpose.js';
export { checkOrig2Prim } from './orig2prim.js';
export { checkPrim2Orig, type Prim2OrigCheckSpec, type ReferenceFunction } from './prim2orig.js';
export { checkVjp } from './vjp.js';
export { checkSecondOrder, type SecondOrderCheckSpec } from './second-order.js';
export { coverageReport, type CoverageGap, type CoverageReport, type Requirement } from './coverage.js';
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
