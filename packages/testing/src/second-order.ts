import { ArgumentError, NDArray, type Registry, type Var } from '@primgrad/ir';
import { backward, linearize, orig2prim, prim2orig } from '@primgrad/transforms';
import { compareInto, emptyComparison, type Comparison } from './compare.js';
import { primTypesOf } from './orig2prim.js';
import { randomArray, uniform, type Rng } from './random.js';
import { ConformanceError, summarize, type CheckReport, type RuleUse, type Tolerance } from './report.js';
import { buildOpProgram, runBlock, type OpProgram } from './run.js';
import { prepareSpec, resolveTolerance, ruleUses, type OpCheckSpec, type PreparedSpec } from './spec.js';
import { cotangentVars, floatOutputs, valueOrZeros } from './vjp.js';

/** Above this many input elements, the vjp mechanism's check would run too many programs. */
const MAX_BASIS_DIRECTIONS = 1024;

/** Options of checkSecondOrder on top of the shared spec. */
export interface SecondOrderCheckSpec extends OpCheckSpec {
  /**
   * 'prim' (the default) linearizes the linearized program through linearize rules, after
   * lowering a native op with orig2prim. 'vjp' runs `backward` on the output of `backward`
   * through vjp rules, and takes native ops only.
   */
  readonly mechanism?: 'prim' | 'vjp';
  /** Finite-difference step; 1e-5 for float64 inputs, 1e-2 when any is float32. */
  readonly step?: number;
}

/**
 * Checks second derivatives of `spec.op` against central finite differences of its first
 * derivative, as computed by the same mechanism. With the prim mechanism, linearizing the JVP
 * J(x)u once more along v gives D²f(x)[u, v], which must match (J(x + hv)u - J(x - hv)u) / 2h
 * for random u and v. With the vjp mechanism, g(x) = J(x)ᵀw comes from `backward`, and
 * `backward` on g with cotangent z gives (∂g/∂x)ᵀz. Each element j of it must match
 * ⟨z, (g(x + h e_j) - g(x - h e_j)) / 2h⟩, which costs two runs per input element (1024 at most).
 * Tolerances follow checkLinearize (rtol 1e-6, atol 1e-7 in float64). Throws ConformanceError
 * on failure unless `throwOnFailure` is false; returns the report either way.
 */
export function checkSecondOrder(registry: Registry, spec: SecondOrderCheckSpec): CheckReport {
  const mechanism = spec.mechanism ?? 'prim';
  if (mechanism !== 'prim' && mechanism !== 'vjp') {
    throw new ArgumentError(`checkSecondOrder(${spec.op}): mechanism must be 'prim' or 'vjp', got ${JSON.stringify(mechanism)}.`);
  }
  const def = registry.opDef(spec.op);
  if (mechanism === 'vjp' && def.kind !== 'orig') {
    throw new ArgumentError(`checkSecondOrder(${spec.op}): the vjp mechanism differentiates native ops, and '${spec.op}' is a prim; use mechanism 'prim'.`);
  }
  const prepared = prepareSpec(registry, spec, 'checkSecondOrder');
  const tolerance = resolveTolerance(spec, prepared.float32, { float64: { rtol: 1e-6, atol: 1e-7 }, float32: { rtol: 1e-2, atol: 1e-2 } });
  const step = spec.step ?? (prepared.float32 ? 1e-2 : 1e-5);

  const comparison = emptyComparison();
  const { rules, reference } =
    mechanism === 'prim'
      ? forwardOverForward(registry, spec, prepared, tolerance, step, comparison)
      : reverseOverReverse(registry, spec, prepared, tolerance, step, comparison);

  const ruleKind = mechanism === 'prim' ? ('linearize' as const) : ('vjp' as const);
  const partial = {
    check: 'second-order' as const,
    op: spec.op,
    ruleKind,
    plugin: registry.rulePlugin(ruleKind, spec.op),
    rules,
    passed: comparison.failedElements === 0,
    seed: prepared.seed,
    trials: prepared.trials,
    tolerance,
    worst: comparison.worst,
    failedElements: comparison.failedElements,
    comparedElements: comparison.comparedElements,
  };
  const report: CheckReport = { ...partial, summary: summarize(partial, reference) };
  if (!report.passed && spec.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}

interface Outcome {
  readonly rules: RuleUse[];
  readonly reference: string;
}

/** Returns the primals moved by `sign · step · direction` along the inputs listed in `wrt`. */
function shifted(primals: readonly NDArray[], wrt: readonly number[], directions: readonly NDArray[], sign: number, step: number): NDArray[] {
  return primals.map((p, i) => {
    const k = wrt.indexOf(i);
    if (k < 0) return p;
    const out = NDArray.from(p, p.dtype);
    for (let j = 0; j < out.size; j++) out.data[j] = p.data[j]! + sign * step * directions[k]!.data[j]!;
    return out;
  });
}

function randomLike(rng: Rng, vars: readonly Var[]): NDArray[] {
  return vars.map((v) => randomArray(rng, v.shape, v.dtype, uniform(-1, 1)));
}

function buildLowered(registry: Registry, spec: OpCheckSpec, wrt: readonly number[]): OpProgram {
  const p = buildOpProgram(registry, spec.op, spec.inputs, spec.attrs ?? {}, wrt);
  if (registry.opDef(spec.op).kind === 'orig') orig2prim(p.block, registry);
  return p;
}

function forwardOverForward(
  registry: Registry,
  spec: SecondOrderCheckSpec,
  prepared: PreparedSpec,
  tolerance: Tolerance,
  step: number,
  comparison: Comparison,
): Outcome {
  const { rng, wrt, primals } = prepared;
  const xsOf = (p: OpProgram): Var[] => wrt.map((i) => p.inputs[i]!);

  // J(x)u, evaluated at shifted points for the differences.
  const first = buildLowered(registry, spec, wrt);
  const firstTargets = floatOutputs('checkSecondOrder', spec.op, first.outputs);
  const lin = linearize(first.block, registry, xsOf(first), firstTargets);
  const firstTypes = primTypesOf(registry, first.block.ops.map((op) => op.type));
  prim2orig(first.block, registry);

  // D²f(x)[u, v]: the tangent program linearized again, along v, with u held fixed.
  const second = buildLowered(registry, spec, wrt);
  const lowered = primTypesOf(registry, second.block.ops.map((op) => op.type));
  const targets = floatOutputs('checkSecondOrder', spec.op, second.outputs);
  const lin1 = linearize(second.block, registry, xsOf(second), targets);
  const firstTangents = lin1.ysDot.filter((v): v is Var => v !== null);
  const lin2 = linearize(second.block, registry, xsOf(second), firstTangents);
  const secondTypes = primTypesOf(registry, second.block.ops.map((op) => op.type));
  prim2orig(second.block, registry);

  const firstFetch = lin.ysDot.filter((v): v is Var => v !== null);
  const secondFetch = lin2.ysDot.filter((v): v is Var => v !== null);
  for (let trial = 0; trial < prepared.trials; trial++) {
    const u = randomLike(rng, lin.xsDot);
    const v = randomLike(rng, lin2.xsDot);

    const feed = new Map<Var, NDArray>(second.inputs.map((x, i) => [x, primals[i]!]));
    lin1.xsDot.forEach((d, k) => feed.set(d, u[k]!));
    lin2.xsDot.forEach((d, k) => feed.set(d, v[k]!));
    const out = runBlock(registry, second.block, feed, secondFetch);
    const values = new Map(secondFetch.map((d, k) => [d, out[k]!]));

    const jvpAt = (point: readonly NDArray[]): Map<Var, NDArray> => {
      const f = new Map<Var, NDArray>(first.inputs.map((x, i) => [x, point[i]!]));
      lin.xsDot.forEach((d, k) => f.set(d, u[k]!));
      const tangents = runBlock(registry, first.block, f, firstFetch);
      return new Map(firstFetch.map((d, k) => [d, tangents[k]!]));
    };
    const plus = jvpAt(shifted(primals, wrt, v, 1, step));
    const minus = jvpAt(shifted(primals, wrt, v, -1, step));

    lin.ysDot.forEach((firstTangent, o) => {
      // An output whose first tangent is a symbolic zero has zero second derivatives on both sides.
      if (firstTangent === null) return;
      const y = firstTargets[o]!;
      const outputIndex = first.outputs.indexOf(y);
      const expected = NDArray.zeros(y.dtype, y.shape);
      const hi = plus.get(firstTangent)!;
      const lo = minus.get(firstTangent)!;
      for (let j = 0; j < expected.size; j++) expected.data[j] = (hi.data[j]! - lo.data[j]!) / (2 * step);
      const k = firstTangents.indexOf(lin1.ysDot[o]!);
      const secondTangent = lin2.ysDot[k] ?? null;
      const got = valueOrZeros(secondTangent, values, y);
      const zero = secondTangent ? '' : ' (a symbolic zero)';
      compareInto(comparison, `second-order tangent of output ${outputIndex} ('${y.name}')${zero}`, got, expected, tolerance);
    });
  }

  const native = registry.opDef(spec.op).kind === 'orig';
  return {
    rules: [
      ...(native ? ruleUses(registry, 'orig2prim', [spec.op]) : []),
      ...ruleUses(registry, 'linearize', native ? lowered : [spec.op]),
      ...ruleUses(registry, 'linearize', secondTypes.filter((t) => !lowered.includes(t))),
      ...ruleUses(registry, 'prim2orig', [...new Set([...firstTypes, ...secondTypes])]),
    ],
    reference: 'central finite differences of the linearized program',
  };
}

function reverseOverReverse(
  registry: Registry,
  spec: SecondOrderCheckSpec,
  prepared: PreparedSpec,
  tolerance: Tolerance,
  step: number,
  comparison: Comparison,
): Outcome {
  const { rng, wrt, primals } = prepared;
  const attrs = spec.attrs ?? {};
  const basisSize = wrt.reduce((n, i) => n + NDArray.zeros(spec.inputs[i]!.dtype, spec.inputs[i]!.shape).size, 0);
  if (basisSize > MAX_BASIS_DIRECTIONS) {
    throw new ArgumentError(
      `checkSecondOrder(${spec.op}): the vjp mechanism runs two programs per input element, and the inputs have ` +
        `${basisSize} elements (at most ${MAX_BASIS_DIRECTIONS}); check smaller shapes.`,
    );
  }

  // g(x) = J(x)ᵀw, evaluated at shifted points for the differences.
  const first = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  const firstTargets = floatOutputs('checkSecondOrder', spec.op, first.outputs);
  const ws = cotangentVars(first.block, firstTargets);
  const gs = backward(first.block, registry, firstTargets, wrt.map((i) => first.inputs[i]!), { targetGradients: ws });

  // (∂g/∂x)ᵀz: backward run on the first backward pass.
  const second = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  const targets = floatOutputs('checkSecondOrder', spec.op, second.outputs);
  const ws2 = cotangentVars(second.block, targets);
  const opsBefore = second.block.ops.length;
  const gs2 = backward(second.block, registry, targets, wrt.map((i) => second.inputs[i]!), { targetGradients: ws2 });
  const firstBackwardTypes = [...new Set(second.block.ops.slice(opsBefore).map((op) => op.type))];
  const gTargets = gs2.filter((g): g is Var => g !== null);
  const zs = cotangentVars(second.block, gTargets);
  const hs = backward(second.block, registry, gTargets, wrt.map((i) => second.inputs[i]!), { targetGradients: zs });

  const firstFetch = gs.filter((g): g is Var => g !== null);
  const secondFetch = hs.filter((h): h is Var => h !== null);
  for (let trial = 0; trial < prepared.trials; trial++) {
    const w = randomLike(rng, ws);
    const z = randomLike(rng, zs);

    const feed = new Map<Var, NDArray>(second.inputs.map((x, i) => [x, primals[i]!]));
    ws2.forEach((d, k) => feed.set(d, w[k]!));
    zs.forEach((d, k) => feed.set(d, z[k]!));
    const out = runBlock(registry, second.block, feed, secondFetch);
    const values = new Map(secondFetch.map((h, k) => [h, out[k]!]));

    // ⟨z, g(x + h e) - g(x - h e)⟩ / 2h for one basis direction e.
    const gradientAt = (point: readonly NDArray[]): NDArray[] => {
      const f = new Map<Var, NDArray>(first.inputs.map((x, i) => [x, point[i]!]));
      ws.forEach((d, k) => f.set(d, w[k]!));
      return runBlock(registry, first.block, f, firstFetch);
    };
    const directionalDerivative = (directions: readonly NDArray[]): number => {
      const plus = gradientAt(shifted(primals, wrt, directions, 1, step));
      const minus = gradientAt(shifted(primals, wrt, directions, -1, step));
      let sum = 0;
      // Both programs are built alike, so the m-th gradient of the first pairs with the m-th z.
      firstFetch.forEach((_g, m) => {
        const zm = z[m]!;
        for (let j = 0; j < zm.size; j++) sum += (zm.data[j]! * (plus[m]!.data[j]! - minus[m]!.data[j]!)) / (2 * step);
      });
      return sum;
    };

    const basis = wrt.map((i) => NDArray.zeros(spec.inputs[i]!.dtype, spec.inputs[i]!.shape));
    wrt.forEach((i, k) => {
      const input = second.inputs[i]!;
      const expected = NDArray.zeros(input.dtype, input.shape);
      for (let j = 0; j < expected.size; j++) {
        basis[k]!.data[j] = 1;
        expected.data[j] = directionalDerivative(basis);
        basis[k]!.data[j] = 0;
      }
      const h = hs[k] ?? null;
      const got = valueOrZeros(h, values, input);
      compareInto(comparison, `second-order cotangent of input ${i} ('${input.name}')${h ? '' : ' (a symbolic zero)'}`, got, expected, tolerance);
    });
  }

  return {
    rules: [
      ...ruleUses(registry, 'vjp', [spec.op]),
      ...ruleUses(registry, 'vjp', firstBackwardTypes.filter((t) => registry.opDef(t).differentiable !== false)),
    ],
    reference: 'central finite differences of the backward pass',
  };
}
