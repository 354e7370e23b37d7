import { ArgumentError, NDArray, formatShape, shapesEqual, type Attrs, type NestedArray, type Registry, type Var } from '@primgrad/ir';
import { orig2prim, prim2orig } from '@primgrad/transforms';
import { compareOutputs, emptyComparison } from './compare.js';
import { VALUE_TOLERANCE, primTypesOf, usesFloat32 } from './orig2prim.js';
import { ConformanceError, summarize, type CheckReport } from './report.js';
import { buildOpProgram, runBlock } from './run.js';
import { prepareSpec, redrawPrimals, requireOpKind, resolveTolerance, ruleUses, type OpCheckSpec } from './spec.js';

/** The semantics of a prim: the value of each output from the input values and the attrs. */
export type ReferenceFunction = (inputs: readonly NDArray[], attrs: Attrs) => readonly (NDArray | NestedArray)[];

/** Options of checkPrim2Orig on top of the shared spec. */
export interface Prim2OrigCheckSpec extends OpCheckSpec {
  /**
   * The prim's values, computed independently of every rule. Without one, the check lowers the
   * raised program with orig2prim, raises it again, and compares it with the raised program.
   */
  readonly reference?: ReferenceFunction;
}

/**
 * Checks the prim2orig rule of the prim `spec.op`. The prim is raised to native ops, and the
 * driver checks that the rule's results have the output count, shapes and dtypes of the prim.
 * Otherwise it throws a RuleOutputError naming the rule and its plugin. The raised program runs
 * on the CPU backend. With `spec.reference`, its values must equal the reference's. Without one,
 * the raised program must keep its values when it is lowered with orig2prim and raised back
 * (orig → prim → orig). That round trip cannot catch a rule that raises to the wrong native op
 * if that op's orig2prim rule lowers it back to the same prim, so pass a reference where one is
 * easy to write. Each trial draws new primal values. Tolerances and failure handling follow
 * checkOrig2Prim.
 */
export function checkPrim2Orig(registry: Registry, spec: Prim2OrigCheckSpec): CheckReport {
  requireOpKind(registry, spec, 'checkPrim2Orig', 'prim', "check a native op's lowering with checkOrig2Prim.");
  const prepared = prepareSpec(registry, spec, 'checkPrim2Orig');
  const attrs = spec.attrs ?? {};

  const raised = buildOpProgram(registry, spec.op, spec.inputs, attrs);
  prim2orig(raised.block, registry);
  const nativeTypes = [...new Set(raised.block.ops.map((op) => op.type))];

  let roundTrip: ReturnType<typeof buildOpProgram> | undefined;
  let loweredPrims: string[] = [];
  if (!spec.reference) {
    roundTrip = buildOpProgram(registry, spec.op, spec.inputs, attrs);
    prim2orig(roundTrip.block, registry);
    orig2prim(roundTrip.block, registry);
    loweredPrims = primTypesOf(registry, roundTrip.block.ops.map((op) => op.type));
    prim2orig(roundTrip.block, registry);
  }

  const tolerance = resolveTolerance(spec, usesFloat32(raised.inputs, raised.outputs), VALUE_TOLERANCE);
  const comparison = emptyComparison();
  for (let trial = 0; trial < prepared.trials; trial++) {
    const primals = trial === 0 ? prepared.primals : redrawPrimals(prepared.rng, spec, prepared.primals);
    const feed = (inputs: readonly Var[]): Map<Var, NDArray> => new Map(inputs.map((v, i) => [v, primals[i]!]));
    const values = runBlock(registry, raised.block, feed(raised.inputs), raised.outputs);
    if (spec.reference) {
      const expected = referenceValues(spec, spec.reference(primals, attrs), raised.outputs);
      compareOutputs(comparison, raised.outputs, values, expected, tolerance);
    } else {
      const got = runBlock(registry, roundTrip!.block, feed(roundTrip!.inputs), roundTrip!.outputs);
      compareOutputs(comparison, raised.outputs, got, values, tolerance);
    }
  }

  const partial = {
    check: 'prim2orig' as const,
    op: spec.op,
    ruleKind: 'prim2orig' as const,
    plugin: registry.rulePlugin('prim2orig', spec.op),
    rules: [
      ...ruleUses(registry, 'prim2orig', [spec.op]),
      ...ruleUses(registry, 'orig2prim', spec.reference ? [] : nativeTypes.filter((t) => registry.hasRule('orig2prim', t))),
      ...ruleUses(registry, 'prim2orig', loweredPrims),
    ],
    passed: comparison.failedElements === 0,
    seed: prepared.seed,
    trials: prepared.trials,
    tolerance,
    worst: comparison.worst,
    failedElements: comparison.failedElements,
    comparedElements: comparison.comparedElements,
  };
  const reference = spec.reference
    ? 'the reference function'
    : `the raised program (${nativeTypes.join(', ')}) before it was lowered with orig2prim and raised again`;
  const report: CheckReport = { ...partial, summary: summarize(partial, reference) };
  if (!report.passed && spec.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}

/** Converts what a reference function returned to arrays of the outputs' types, checking count and shapes. */
function referenceValues(spec: Prim2OrigCheckSpec, values: readonly (NDArray | NestedArray)[], outputs: readonly Var[]): NDArray[] {
  if (!Array.isArray(values) || values.length !== outputs.length) {
    throw new ArgumentError(
      `checkPrim2Orig(${spec.op}): the reference function returned ${Array.isArray(values) ? values.length : 'no'} value(s); ` +
        `'${spec.op}' has ${outputs.length} output(s), so return one value per output.`,
    );
  }
  return outputs.map((v, o) => {
    const array = NDArray.from(values[o]!, v.dtype);
    if (!shapesEqual(array.shape, v.shape)) {
      throw new ArgumentError(
        `checkPrim2Orig(${spec.op}): the reference value of output ${o} has shape ${formatShape(array.shape)}, ` +
          `but the output is ${formatShape(v.shape)}.`,
      );
    }
    return array;
  });
}
