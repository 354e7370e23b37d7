import {
  Builder,
  RuleOutputError,
  type Block,
  type Op,
  type Registry,
  type Var,
} from '@primgrad/ir';
import { callRule, checkRuleOutputs } from './check.js';

type LowerKind = 'orig2prim' | 'prim2orig';

/**
 * Rewrites, in place, every op of one kind (native for orig2prim, prim for prim2orig) with its
 * rule. The vars that the rewritten op produced keep their identity: the op that computes a
 * rule's result is made to write the original output var, so vars held by user code (a loss, a
 * parameter gradient) stay valid. Ops emitted by a rule are rewritten too when they are of the
 * same kind, so a rule may lower a native op onto other native ops.
 */
function lowerBlock(block: Block, registry: Registry, kind: LowerKind): void {
  const from = kind === 'orig2prim' ? 'orig' : 'prim';
  let i = 0;
  while (i < block.ops.length) {
    const op = block.ops[i]!;
    const def = registry.opDef(op.type);
    if (def.kind !== from) {
      i++;
      continue;
    }
    // Non-differentiable native sources (random initializers, constants from values) have no
    // prim form; they stay native, which prim2orig and every backend accept.
    if (kind === 'orig2prim' && def.differentiable === false && !registry.hasRule(kind, op.type)) {
      i++;
      continue;
    }
    const rule = registry.rule(kind, op.type);
    block.ops.splice(i, 1);
    const b = new Builder(block, registry, { insertAt: i });
    try {
      const results = callRule(registry, kind, op, () => rule(b, op));
      checkRuleOutputs(registry, kind, op, results, op.outputs, { allowNull: false });
      if (b.emitted.some((e) => e.type === op.type)) {
        throw new RuleOutputError(op.type, kind, registry.rulePlugin(kind, op.type), `it emitted '${op.type}' again, which would never finish lowering.`);
      }
      rebindOutputs(registry, kind, op, b.emitted, results as Var[]);
    } catch (e) {
      // Leave the block as it was, so a failed lowering can be inspected or retried.
      block.removeOps(new Set(b.emitted));
      block.ops.splice(i, 0, op);
      for (const v of b.emitted.flatMap((e2) => e2.outputs)) if (!op.outputs.includes(v)) block.vars.delete(v.name);
      throw e;
    }
    // Continue at the first emitted op so emitted ops of the same kind are lowered as well.
  }
}

/** Makes the emitted ops write `op`'s own output vars in place of the vars the rule returned. */
function rebindOutputs(registry: Registry, kind: LowerKind, op: Op, emitted: readonly Op[], results: readonly Var[]): void {
  results.forEach((result, j) => {
    const original = op.outputs[j]!;
    const producer = emitted.find((e) => e.outputs.includes(result));
    if (result === original && producer) return;
    if (result === original) {
      throw new RuleOutputError(
        op.type,
        kind,
        registry.rulePlugin(kind, op.type),
        `output ${j} is the op's own output '${result.name}', which nothing computes once the op is replaced. ` +
          'Return a var computed by an op the rule emits.',
      );
    }
    if (!producer) {
      throw new RuleOutputError(
        op.type,
        kind,
        registry.rulePlugin(kind, op.type),
        `output ${j} is '${result.name}', which the rule did not emit. Return a var computed by an op the rule emits ` +
          '(emit a reshape to the same shape to copy an input).',
      );
    }
    producer.outputs = producer.outputs.map((v) => (v === result ? original : v));
    for (const e of emitted) e.inputs = e.inputs.map((v) => (v === result ? original : v));
    result.block.vars.delete(result.name);
  });
}

/** Lowers every native op of `block` to prims, in place. Non-differentiable sources without a rule stay native. */
export function orig2prim(block: Block, registry: Registry): void {
  lowerBlock(block, registry, 'orig2prim');
}

/** Raises every prim of `block` to native ops, in place, so a backend can run it. */
export function prim2orig(block: Block, registry: Registry): void {
  lowerBlock(block, registry, 'prim2orig');
}
