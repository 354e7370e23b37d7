import { ArgumentError, Builder, PrimgradError, formatShape, type Block, type Registry, type Var } from '@primgrad/ir';
import { callRule, checkRuleOutputs, rollback } from './check.js';
import { checkVarsInBlock } from './linearize.js';
import { opsOnPath } from './path.js';

/** The native op used to sum the cotangents of a var read by several ops. */
export const COTANGENT_ADD_OP = 'add';
/** The native op used for default target cotangents (ones). */
export const FILL_OP = 'fill_constant';

export interface BackwardOptions {
  /** Cotangents of `targets`; a missing or null entry means ones. */
  readonly targetGradients?: readonly (Var | null | undefined)[];
  /** Vars that carry no derivative for this call, besides those with stopGradient set. */
  readonly noGradSet?: Iterable<Var>;
}

/**
 * Appends to `block` the backward pass of the original mechanism from `targets` to `inputs`,
 * running the vjp rule of each native op on a path between them, in reverse order. Returns
 * the cotangent of each input, or null where no target depends on it.
 */
export function backward(
  block: Block,
  registry: Registry,
  targets: readonly Var[],
  inputs: readonly Var[],
  options: BackwardOptions = {},
): (Var | null)[] {
  checkVarsInBlock(block, targets, 'targets');
  checkVarsInBlock(block, inputs, 'inputs');
  const noGrad = new Set(options.noGradSet ?? []);
  const { ops, dependent } = opsOnPath(block.ops, registry, inputs, targets, { noGrad });
  const b = new Builder(block, registry);
  const cotangents = new Map<Var, Var>();
  const accumulate = (v: Var, ct: Var): void => {
    const prev = cotangents.get(v);
    cotangents.set(v, prev ? b.emit1(COTANGENT_ADD_OP, [prev, ct]) : ct);
  };
  try {

    targets.forEach((t, i) => {
      if (!dependent.has(t)) return;
      const given = options.targetGradients?.[i] ?? null;
      if (given && (given.dtype !== t.dtype || formatShape(given.shape) !== formatShape(t.shape))) {
        throw new ArgumentError(
          `backward: targetGradients[${i}] ('${given.name}') is ${given.dtype}${formatShape(given.shape)} but target '${t.name}' is ` +
            `${t.dtype}${formatShape(t.shape)}; they must match.`,
        );
      }
      accumulate(t, given ?? b.emit1(FILL_OP, [], { shape: [...t.shape], dtype: t.dtype, value: 1 }));
    });

    for (let k = ops.length - 1; k >= 0; k--) {
      const op = ops[k]!;
      const ctOuts = op.outputs.map((o) => cotangents.get(o) ?? null);
      if (ctOuts.every((c) => c === null)) continue;
      const def = registry.opDef(op.type);
      if (def.kind !== 'orig') {
        throw new PrimgradError(
          `backward: op '${op.type}' is a prim; the original mechanism differentiates native ops. ` +
            'Run prim2orig(block) first, or use the prim mechanism (enablePrim()).',
        );
      }
      const needed = op.inputs.map((v) => dependent.has(v));
      const rule = registry.rule('vjp', op.type);
      const ctIns = callRule(registry, 'vjp', op, () => rule(b, op, ctOuts, needed));
      checkRuleOutputs(registry, 'vjp', op, ctIns, op.inputs, { allowNull: true });
      op.inputs.forEach((v, i) => {
        const ct = ctIns[i];
        if (ct && needed[i]) accumulate(v, ct);
      });
    }
  } catch (e) {
    rollback(block, b.emitted);
    throw e;
  }

  return inputs.map((x) => cotangents.get(x) ?? null);
}
