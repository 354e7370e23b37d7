import type { Op, Registry, Var } from '@primgrad/ir';

export interface PathOptions {
  /** Vars that carry no derivative for this call, besides those with stopGradient set. */
  readonly noGrad?: ReadonlySet<Var>;
}

/**
 * Finds the ops on a differentiable path from `sources` to `sinks`, in block order, and the
 * vars that depend on a source. A var with stopGradient set (unless it is itself a source),
 * a var in `noGrad` and the outputs of a non-differentiable op depend on nothing.
 */
export function opsOnPath(
  ops: readonly Op[],
  registry: Registry,
  sources: readonly Var[],
  sinks: readonly (Var | null)[],
  options: PathOptions = {},
): { ops: Op[]; dependent: Set<Var> } {
  const sourceSet = new Set(sources);
  const blocked = (v: Var): boolean => !sourceSet.has(v) && (v.stopGradient || (options.noGrad?.has(v) ?? false));
  const dependent = new Set<Var>([...sources].filter((v) => !(options.noGrad?.has(v) ?? false)));
  const forward: Op[] = [];
  for (const op of ops) {
    const differentiable = registry.opDef(op.type).differentiable !== false;
    const reached = differentiable && op.inputs.some((v) => dependent.has(v));
    if (reached) forward.push(op);
    // An op that writes a var in place gives it a new version: it depends on a source only if
    // the op does. A source itself always stays dependent, even when an op computes it: the
    // caller differentiates with respect to that var as it is after its op.
    for (const o of op.outputs) {
      if (sourceSet.has(o) && !(options.noGrad?.has(o) ?? false)) dependent.add(o);
      else if (reached && !blocked(o)) dependent.add(o);
      else dependent.delete(o);
    }
  }
  const needed = new Set<Var>(sinks.filter((v): v is Var => v !== null));
  const onPath: Op[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const op = forward[i]!;
    if (!op.outputs.some((o) => needed.has(o))) continue;
    onPath.push(op);
    for (const v of op.inputs) if (dependent.has(v)) needed.add(v);
  }
  return { ops: onPath.reverse(), dependent };
}
