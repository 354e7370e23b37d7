import { ArgumentError, Builder, PrimgradError, RuleOutputError, formatShape, type Block, type Registry, type Var } from '@primgrad/ir';
import { callRule, checkRuleOutputs, rollback } from './check.js';
import { opsOnPath } from './path.js';

/** The prim that adds an x's own tangent to the tangent its op computes. */
const TANGENT_ADD_PRIM = 'add_p';

export interface LinearizeOptions {
  /** Tangent vars for `xs`; by default new data vars named `<x>_dot`, which the caller feeds. */
  readonly xsDot?: readonly Var[];
  /** Vars that carry no derivative for this call, besides those with stopGradient set. */
  readonly noGrad?: Iterable<Var>;
}

export interface LinearizeResult {
  readonly xsDot: Var[];
  /** Output tangents; null where `y` does not depend on any of `xs` (a symbolic zero). */
  readonly ysDot: (Var | null)[];
}

/**
 * Appends to `block` the ops that compute the tangents of `ys` from the tangents of `xs` (a
 * JVP), walking the prims on a path from xs to ys in order and running each one's linearize
 * rule. The appended ops are linear in `xsDot`, apart from the primal residuals they compute.
 * The block must hold prims on that path: run orig2prim first.
 */
export function linearize(
  block: Block,
  registry: Registry,
  xs: readonly Var[],
  ys: readonly Var[],
  options: LinearizeOptions = {},
): LinearizeResult {
  checkVarsInBlock(block, xs, 'xs');
  checkVarsInBlock(block, ys, 'ys');
  // An x listed twice gets one tangent, so both positions see the same derivative.
  const firstDot = new Map<Var, Var>();
  const xsDot = options.xsDot
    ? [...options.xsDot]
    : xs.map((x) => {
        const known = firstDot.get(x);
        if (known) return known;
        const name = block.program.uniqueName(`${x.name}_dot`, { bareFirst: true });
        const dot = block.createVar({ name, shape: x.shape, dtype: x.dtype, isData: true });
        firstDot.set(x, dot);
        return dot;
      });
  if (xsDot.length !== xs.length) {
    throw new ArgumentError(`linearize: got ${xs.length} xs but ${xsDot.length} xsDot; pass one tangent per x.`);
  }
  xsDot.forEach((d, i) => {
    const x = xs[i]!;
    if (d.dtype !== x.dtype || formatShape(d.shape) !== formatShape(x.shape)) {
      throw new ArgumentError(
        `linearize: tangent '${d.name}' is ${d.dtype}${formatShape(d.shape)} but x '${x.name}' is ${x.dtype}${formatShape(x.shape)}.`,
      );
    }
  });

  const noGrad = new Set(options.noGrad ?? []);
  const { ops } = opsOnPath(block.ops, registry, xs, ys, { noGrad });
  const tangents = new Map<Var, Var>();
  const sourceDot = new Map<Var, Var>();
  xs.forEach((x, i) => {
    if (noGrad.has(x)) return;
    tangents.set(x, xsDot[i]!);
    sourceDot.set(x, xsDot[i]!);
  });
  const b = new Builder(block, registry);
  // Vars computed from the tangents: a rule's output tangents must be among them.
  const linearVars = new Set<Var>(tangents.values());
  let scanned = 0;
  const markLinear = (): void => {
    for (; scanned < b.emitted.length; scanned++) {
      const emitted = b.emitted[scanned]!;
      if (emitted.inputs.some((v) => linearVars.has(v))) for (const o of emitted.outputs) linearVars.add(o);
    }
  };
  try {
    for (const op of ops) {
      const def = registry.opDef(op.type);
      if (def.kind !== 'prim') {
        throw new PrimgradError(
          `linearize: op '${op.type}' (output '${op.outputs[0]?.name ?? '?'}') is a native op; linearize works on prims. ` +
            'Run orig2prim(block) first.',
        );
      }
      const tangentsIn = op.inputs.map((v) => tangents.get(v) ?? null);
      const rule = registry.rule('linearize', op.type);
      const tangentsOut = callRule(registry, 'linearize', op, () => rule(b, op, tangentsIn));
      checkRuleOutputs(registry, 'linearize', op, tangentsOut, op.outputs, { allowNull: true });
      markLinear();
      tangentsOut.forEach((t, j) => {
        if (t && !linearVars.has(t)) {
          throw new RuleOutputError(
            op.type,
            'linearize',
            registry.rulePlugin('linearize', op.type),
            `tangent ${j} ('${t.name}') does not depend on the input tangents. A linearize rule must compute each ` +
              'output tangent from the input tangents, or return null for a zero tangent.',
          );
        }
      });
      op.outputs.forEach((o, j) => {
        let t = tangentsOut[j] ?? null;
        if (t && (o.stopGradient || noGrad.has(o)) && !sourceDot.has(o)) t = null;
        // An x computed by an op gets its own tangent on top of the one flowing in, so the
        // cotangent of that tangent is the derivative with respect to x itself.
        const own = sourceDot.get(o);
        if (own) t = t ? b.emit1(TANGENT_ADD_PRIM, [t, own]) : own;
        markLinear();
        if (t) tangents.set(o, t);
        else tangents.delete(o);
      });
    }
  } catch (e) {
    rollback(block, b.emitted, options.xsDot ? [] : xsDot);
    throw e;
  }
  return { xsDot, ysDot: ys.map((y) => tangents.get(y) ?? null) };
}

export function checkVarsInBlock(block: Block, vars: readonly Var[], what: string): void {
  if (!Array.isArray(vars)) throw new ArgumentError(`${what} must be an array of vars.`);
  vars.forEach((v, i) => {
    if (!v || typeof v !== 'object' || !('block' in v)) {
      throw new ArgumentError(`${what}[${i}] is not a var (got ${v === null ? 'null' : typeof v}).`);
    }
    if (v.block !== block) {
      throw new ArgumentError(`${what}[${i}] ('${v.name}') belongs to another block than the one being transformed.`);
    }
  });
}
