import { NDArray, type Registry, type Var } from '@primgrad/ir';
import { orig2prim, prim2orig } from '@primgrad/transforms';
import { compareOutputs, emptyComparison } from './compare.js';
import { ConformanceError, summarize, type CheckReport } from './report.js';
import { buildOpProgram, runBlock } from './run.js';
import { prepareSpec, redrawPrimals, requireOpKind, resolveTolerance, ruleUses, type OpCheckSpec } from './spec.js';

/** Lowering reorders arithmetic, so float64 values may differ by a few ulps of their terms. */
export const VALUE_TOLERANCE = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-6 },
} as const;

/** Lists the distinct prim types among the ops of a block. */
export function primTypesOf(registry: Registry, types: readonly string[]): string[] {
  return [...new Set(types)].filter((t) => registry.opDef(t).kind === 'prim');
}

/** True when any input or output of a one-op program is float32. */
export function usesFloat32(inputs: readonly Var[], outputs: readonly Var[]): boolean {
  return [...inputs, ...outputs].some((v) => v.dtype === 'float32');
}

/**
 * Checks the orig2prim rule of the native op `spec.op`: the op lowered to prims and raised back
 * with prim2orig must give the values of the op's own CPU kernel. Each trial draws new primal
 * values. Float outputs must agree to `tol` (rtol 1e-10 and atol 1e-12 in float64, rtol 1e-5
 * and atol 1e-6 when anything is float32), int32 and bool outputs exactly, NaN where the kernel
 * gives NaN. A rule that returns the wrong count, shape or dtype fails in the orig2prim driver
 * with a RuleOutputError naming the rule and its plugin. Throws ConformanceError when a value
 * differs, unless `throwOnFailure` is false; returns the report either way.
 */
export function checkOrig2Prim(registry: Registry, spec: OpCheckSpec): CheckReport {
  requireOpKind(registry, spec, 'checkOrig2Prim', 'orig', "check a prim's raised form with checkPrim2Orig.");
  const prepared = prepareSpec(registry, spec, 'checkOrig2Prim');
  // The driver leaves a non-differentiable op without a rule native, which would compare the kernel with itself.
  registry.rule('orig2prim', spec.op);
  const attrs = spec.attrs ?? {};

  const direct = buildOpProgram(registry, spec.op, spec.inputs, attrs);
  const lowered = buildOpProgram(registry, spec.op, spec.inputs, attrs);
  orig2prim(lowered.block, registry);
  const prims = primTypesOf(registry, lowered.block.ops.map((op) => op.type));
  prim2orig(lowered.block, registry);

  const tolerance = resolveTolerance(spec, usesFloat32(direct.inputs, direct.outputs), VALUE_TOLERANCE);
  const comparison = emptyComparison();
  for (let trial = 0; trial < prepared.trials; trial++) {
    const primals = trial === 0 ? prepared.primals : redrawPrimals(prepared.rng, spec, prepared.primals);
    const feed = (inputs: readonly Var[]): Map<Var, NDArray> => new Map(inputs.map((v, i) => [v, primals[i]!]));
    const expected = runBlock(registry, direct.block, feed(direct.inputs), direct.outputs);
    const got = runBlock(registry, lowered.block, feed(lowered.inputs), lowered.outputs);
    compareOutputs(comparison, lowered.outputs, got, expected, tolerance);
  }

  const partial = {
    check: 'orig2prim' as const,
    op: spec.op,
    ruleKind: 'orig2prim' as const,
    plugin: registry.rulePlugin('orig2prim', spec.op),
    rules: [...ruleUses(registry, 'orig2prim', [spec.op]), ...ruleUses(registry, 'prim2orig', prims)],
    passed: comparison.failedElements === 0,
    seed: prepared.seed,
    trials: prepared.trials,
    tolerance,
    worst: comparison.worst,
    failedElements: comparison.failedElements,
    comparedElements: comparison.comparedElements,
  };
  const report: CheckReport = { ...partial, summary: summarize(partial, `the CPU kernel of '${spec.op}'`) };
  if (!report.passed && spec.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}
