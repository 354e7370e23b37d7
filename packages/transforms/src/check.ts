import { PrimgradError, RuleOutputError, formatShape, type Block, type Op, type Registry, type RuleKind, type TensorType, type Var } from '@primgrad/ir';

/**
 * Checks what a rule returned against what it had to return: the count, then each var's shape
 * and dtype. Null entries (symbolic zeros) are allowed only when `allowNull` is set.
 */
export function checkRuleOutputs(
  registry: Registry,
  kind: RuleKind,
  op: Op,
  results: readonly (Var | null)[] | unknown,
  expected: readonly (TensorType | null)[],
  options: { allowNull: boolean; mustBeNull?: readonly boolean[] },
): void {
  const fail = (detail: string): never => {
    throw new RuleOutputError(op.type, kind, registry.rulePlugin(kind, op.type), detail);
  };
  if (!Array.isArray(results)) fail(`it must return an array of ${expected.length} var(s), got ${typeof results}.`);
  const list = results as readonly (Var | null | undefined)[];
  if (list.length !== expected.length) fail(`it returned ${list.length} var(s), expected ${expected.length}.`);
  list.forEach((v, i) => {
    const want = expected[i];
    if (v === null || v === undefined) {
      if (!options.allowNull) fail(`result ${i} is ${String(v)}; this rule kind must return a var for every output.`);
      return;
    }
    if (options.mustBeNull?.[i]) {
      fail(`result ${i} ('${v.name}') must be null: input ${i} is not linear here.`);
    }
    if (typeof v !== 'object' || !('shape' in v) || !('dtype' in v)) fail(`result ${i} is not a var.`);
    if (want && (v.dtype !== want.dtype || v.shape.length !== want.shape.length || v.shape.some((d, k) => d !== want.shape[k]))) {
      fail(
        `result ${i} ('${v.name}') is ${v.dtype}${formatShape(v.shape)}, expected ${want.dtype}${formatShape(want.shape)}.`,
      );
    }
  });
}

const RULE_CONTEXT = Symbol('primgrad.ruleContext');

/**
 * Calls a rule, turning an unexpected exception (a TypeError from a third-party rule, say) into
 * a RuleOutputError that names the op, the rule kind and the plugin. Errors that primgrad
 * raised on purpose keep their class, and their message gets the rule and plugin appended.
 */
export function callRule<T>(registry: Registry, kind: RuleKind, op: Op, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof PrimgradError) {
      // Keep the class a caller may match on, and add where it was raised, once.
      if (!(e as { [RULE_CONTEXT]?: boolean })[RULE_CONTEXT]) {
        const plugin = registry.rulePlugin(kind, op.type);
        e.message += ` (raised in the ${kind} rule for '${op.type}'${plugin ? ` from plugin '${plugin}'` : ''})`;
        (e as { [RULE_CONTEXT]?: boolean })[RULE_CONTEXT] = true;
      }
      throw e;
    }
    const error = new RuleOutputError(
      op.type,
      kind,
      registry.rulePlugin(kind, op.type),
      `it threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    (error as { cause?: unknown }).cause = e;
    throw error;
  }
}

/**
 * Removes what a failed transform added (its ops, their output vars and the vars it created),
 * so a block is left as it was when a rule fails and can be inspected or fixed and retried.
 */
export function rollback(block: Block, emitted: readonly Op[], created: readonly Var[] = []): void {
  block.removeOps(new Set(emitted));
  for (const v of [...emitted.flatMap((op) => op.outputs), ...created]) {
    if (block.vars.get(v.name) === v) block.vars.delete(v.name);
  }
}
