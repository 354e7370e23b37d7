import { NDArray, isFloatDType, type Registry, type Var } from '@primgrad/ir';
import { linearize, orig2prim, prim2orig } from '@primgrad/transforms';
import { compareInto, emptyComparison } from './compare.js';
import { randomArray, uniform } from './random.js';
import { ConformanceError, summarize, type CheckReport, type Tolerance } from './report.js';
import { buildOpProgram, runBlock } from './run.js';
import { prepareSpec, ruleUses, type OpCheckSpec } from './spec.js';

/** Options of checkLinearize on top of the shared spec. */
export interface LinearizeCheckSpec extends OpCheckSpec {
  /** Finite-difference step along the random tangent; 1e-5 for float64 inputs, 1e-2 when any is float32. */
  readonly step?: number;
}

/**
 * Checks the linearize rule of `spec.op` against central finite differences of the op itself:
 * for random tangents ẋ, the JVP from linearize must match (f(x + hẋ) - f(x - hẋ)) / 2h on every
 * float output. Both sides run on the CPU backend after prim2orig, so the registry needs the
 * op's prim2orig rule and CPU kernels as well. A native op is lowered with orig2prim first, so
 * the check covers the linearize rules of the prims it lowers to, against differences of its
 * kernel. Use float64 inputs: float32 needs a loose `tol`.
 * Throws ConformanceError when an element is outside the tolerance, unless `throwOnFailure`
 * is false; returns the report either way.
 */
export function checkLinearize(registry: Registry, spec: LinearizeCheckSpec): CheckReport {
  const prepared = prepareSpec(registry, spec, 'checkLinearize');
  const { rng, wrt, primals } = prepared;
  const tolerance: Tolerance = {
    rtol: spec.tol?.rtol ?? (prepared.float32 ? 1e-2 : 1e-6),
    atol: spec.tol?.atol ?? (prepared.float32 ? 1e-2 : 1e-7),
  };
  const step = spec.step ?? (prepared.float32 ? 1e-2 : 1e-5);
  const attrs = spec.attrs ?? {};

  // The oracle: the op itself, evaluated at perturbed points.
  const direct = buildOpProgram(registry, spec.op, spec.inputs, attrs);
  const directTypes = direct.block.ops.map((op) => op.type);
  prim2orig(direct.block, registry);
  const evaluate = (point: readonly NDArray[]): NDArray[] =>
    runBlock(registry, direct.block, new Map(direct.inputs.map((v, i) => [v, point[i]!])), direct.outputs);

  const jvp = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  const native = registry.opDef(spec.op).kind === 'orig';
  if (native) orig2prim(jvp.block, registry);
  const linearizedTypes = jvp.block.ops.map((op) => op.type);
  const { xsDot, ysDot } = linearize(jvp.block, registry, wrt.map((i) => jvp.inputs[i]!), jvp.outputs);
  const jvpTypes = jvp.block.ops.map((op) => op.type);
  prim2orig(jvp.block, registry);
  const fetched = ysDot.filter((v): v is Var => v !== null);

  const comparison = emptyComparison();
  for (let trial = 0; trial < prepared.trials; trial++) {
    const tangents = wrt.map((i) => randomArray(rng, spec.inputs[i]!.shape, spec.inputs[i]!.dtype, uniform(-1, 1)));
    const feed = new Map<Var, NDArray>(jvp.inputs.map((v, i) => [v, primals[i]!]));
    xsDot.forEach((v, k) => feed.set(v, tangents[k]!));
    const values = runBlock(registry, jvp.block, feed, fetched);
    const byVar = new Map(fetched.map((v, k) => [v, values[k]!]));

    const shifted = (sign: number): NDArray[] =>
      primals.map((p, i) => {
        const k = wrt.indexOf(i);
        if (k < 0) return p;
        const out = NDArray.from(p, p.dtype);
        for (let j = 0; j < out.size; j++) out.data[j] = p.data[j]! + sign * step * tangents[k]!.data[j]!;
        return out;
      });
    const plus = evaluate(shifted(1));
    const minus = evaluate(shifted(-1));

    jvp.outputs.forEach((y, o) => {
      if (!isFloatDType(y.dtype)) return;
      const expected = NDArray.zeros(y.dtype, y.shape);
      for (let j = 0; j < expected.size; j++) expected.data[j] = (plus[o]!.data[j]! - minus[o]!.data[j]!) / (2 * step);
      const tangent = ysDot[o];
      const got = tangent ? byVar.get(tangent)! : NDArray.zeros(y.dtype, y.shape);
      compareInto(comparison, `tangent of output ${o} ('${y.name}')${tangent ? '' : ' (a symbolic zero)'}`, got, expected, tolerance);
    });
  }

  const partial = {
    check: 'linearize' as const,
    op: spec.op,
    ruleKind: 'linearize' as const,
    plugin: registry.rulePlugin('linearize', spec.op),
    rules: [
      ...(native ? ruleUses(registry, 'orig2prim', [spec.op]) : []),
      ...ruleUses(registry, 'linearize', native ? linearizedTypes.filter((t) => registry.opDef(t).kind === 'prim') : [spec.op]),
      ...ruleUses(registry, 'prim2orig', [...directTypes, ...jvpTypes].filter((t) => registry.opDef(t).kind === 'prim')),
    ],
    passed: comparison.failedElements === 0,
    seed: prepared.seed,
    trials: prepared.trials,
    tolerance,
    worst: comparison.worst,
    failedElements: comparison.failedElements,
    comparedElements: comparison.comparedElements,
  };
  const report: CheckReport = { ...partial, summary: summarize(partial, 'central finite differences of the op') };
  if (!report.passed && spec.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}
