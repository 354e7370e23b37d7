import { ArgumentError, Builder, PrimgradError, formatShape, type Block, type Op, type Registry, type Var } from '@primgrad/ir';
import { callRule, checkRuleOutputs, rollback } from './check.js';
import { checkVarsInBlock } from './linearize.js';

/** The prim used to sum the cotangents of a var read by several linear ops. */
export const COTANGENT_ADD_PRIM = 'add_p';

export interface TransposeOptions {
  /** Cotangents for `ysDot`; by default new data vars named `<y>_bar`, which the caller feeds. */
  readonly ysBar?: readonly Var[];
  /** Keep the forward linear ops in the block instead of removing them. */
  readonly keepLinearOps?: boolean;
}

export interface TransposeResult {
  /** The cotangent fed for each ysDot; null where that ysDot is null and no ysBar was given. */
  readonly ysBar: (Var | null)[];
  /** Cotangents of `xsDot`; null where no y depends on that x (a symbolic zero). */
  readonly xsBar: (Var | null)[];
}

/**
 * Appends to `block` the transpose of the linear map from `xsDot` to `ysDot`. The ops that
 * depend on xsDot are walked backward, and each one's transpose rule turns output cotangents
 * into input cotangents. Cotangents of a var read several times are summed. The forward linear
 * ops are then removed, unless `keepLinearOps` is set.
 */
export function transpose(
  block: Block,
  registry: Registry,
  xsDot: readonly Var[],
  ysDot: readonly (Var | null)[],
  options: TransposeOptions = {},
): TransposeResult {
  checkVarsInBlock(block, xsDot, 'xsDot');
  checkVarsInBlock(block, ysDot.filter((v): v is Var => v !== null), 'ysDot');
  const linear = new Set<Var>(xsDot);
  const linearOps: Op[] = [];
  for (const op of block.ops) {
    if (op.inputs.some((v) => linear.has(v))) {
      linearOps.push(op);
      for (const o of op.outputs) linear.add(o);
    }
  }

  const ysBar: (Var | null)[] = options.ysBar
    ? [...options.ysBar]
    : ysDot.map((y) => (y === null ? null : block.createVar({ name: block.program.uniqueName(`${y.name}_bar`, { bareFirst: true }), shape: y.shape, dtype: y.dtype, isData: true })));
  if (ysBar.length !== ysDot.length) {
    throw new ArgumentError(`transpose: got ${ysDot.length} ysDot but ${ysBar.length} ysBar; pass one cotangent per output.`);
  }

  const b = new Builder(block, registry);
  const cotangents = new Map<Var, Var>();
  const accumulate = (v: Var, ct: Var): void => {
    const prev = cotangents.get(v);
    cotangents.set(v, prev ? b.emit1(COTANGENT_ADD_PRIM, [prev, ct]) : ct);
  };
  try {
    ysDot.forEach((y, i) => {
      const bar = ysBar[i];
      if (y === null || !bar) return;
      if (!linear.has(y)) {
        throw new PrimgradError(`transpose: ysDot[${i}] ('${y.name}') does not depend linearly on xsDot; pass the tangents that linearize returned.`);
      }
      if (bar.dtype !== y.dtype || formatShape(bar.shape) !== formatShape(y.shape)) {
        throw new ArgumentError(
          `transpose: cotangent '${bar.name}' is ${bar.dtype}${formatShape(bar.shape)} but tangent '${y.name}' is ${y.dtype}${formatShape(y.shape)}.`,
        );
      }
      accumulate(y, bar);
    });

    for (let k = linearOps.length - 1; k >= 0; k--) {
      const op = linearOps[k]!;
      const ctOuts = op.outputs.map((o) => cotangents.get(o) ?? null);
      if (ctOuts.every((c) => c === null)) continue;
      const def = registry.opDef(op.type);
      const isLinear = op.inputs.map((v) => linear.has(v));
      const linearIn = new Set(def.linearIn ?? []);
      // The last named input of a variadic op repeats, so listing it covers every repeat.
      const repeated = def.variadic ? def.inputs.length - 1 : -1;
      const isLinearIn = (i: number): boolean => linearIn.has(i) || (repeated >= 0 && i > repeated && linearIn.has(repeated));
      isLinear.forEach((lin, i) => {
        if (lin && !isLinearIn(i)) {
          throw new PrimgradError(
            `transpose: op '${op.type}' reads tangent '${op.inputs[i]!.name}' as input ${i}, but it is not linear in that input ` +
              `(linear in: ${[...linearIn].join(', ') || 'none'}). Its linearize rule, or a rule before it, emitted a non-linear use of a tangent.`,
          );
        }
      });
      const rule = registry.rule('transpose', op.type);
      const ctIns = callRule(registry, 'transpose', op, () => rule(b, op, ctOuts, isLinear));
      checkRuleOutputs(registry, 'transpose', op, ctIns, op.inputs, {
        allowNull: true,
        mustBeNull: isLinear.map((l) => !l),
      });
      op.inputs.forEach((v, i) => {
        const ct = ctIns[i];
        if (ct && isLinear[i]) accumulate(v, ct);
      });
    }
  } catch (e) {
    rollback(block, b.emitted, options.ysBar ? [] : ysBar.filter((v): v is Var => v !== null));
    throw e;
  }

  if (!options.keepLinearOps) {
    block.removeOps(new Set(linearOps));
    // Tangent placeholders that only the removed ops read are dropped with them.
    const read = new Set(block.ops.flatMap((op) => op.inputs));
    for (const d of xsDot) if (d.isData && !read.has(d)) block.vars.delete(d.name);
  }
  return { ysBar, xsBar: xsDot.map((x) => cotangents.get(x) ?? null) };
}
