import type { AttrValue, Block, Op, Var } from '@primgrad/ir';

function attrKey(value: AttrValue): string {
  if (Array.isArray(value)) return `[${value.map(attrKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort();
    return `{${entries.map((k) => `${k}:${attrKey((value as Record<string, AttrValue>)[k]!)}`).join(',')}}`;
  }
  // String() keeps NaN and Infinity apart from null, which JSON.stringify would not.
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Merges ops that compute the same value: the same type, the same input vars and the same
 * attrs. The later op is removed and the ops after it read the earlier op's outputs instead.
 * An op that writes a persistable var, or an output in `keep` (vars the caller holds), is left
 * alone. Returns the number of ops removed.
 */
export function eliminateCommonSubexpressions(block: Block, keep: Iterable<Var>): number {
  const kept = new Set(keep);
  const seen = new Map<string, Op>();
  const replaced = new Map<Var, Var>();
  const removed = new Set<Op>();
  for (const op of block.ops) {
    if (replaced.size > 0) op.inputs = op.inputs.map((v) => replaced.get(v) ?? v);
    if (op.outputs.some((o) => o.persistable || kept.has(o))) continue;
    const key = `${op.type}(${op.inputs.map((v) => v.name).join(',')})${attrKey(op.attrs)}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, op);
      continue;
    }
    op.outputs.forEach((o, i) => replaced.set(o, first.outputs[i]!));
    removed.add(op);
  }
  block.removeOps(removed);
  for (const v of replaced.keys()) block.vars.delete(v.name);
  return removed.size;
}
