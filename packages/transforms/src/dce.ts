import type { Block, Var } from '@primgrad/ir';

/**
 * Removes ops whose outputs nothing reads, keeping every op that writes a persistable var or
 * one of `keep` (the vars the caller will fetch). Returns the number of ops removed.
 */
export function eliminateDeadCode(block: Block, keep: Iterable<Var>): number {
  const live = new Set<Var>(keep);
  const removed = new Set<(typeof block.ops)[number]>();
  for (let i = block.ops.length - 1; i >= 0; i--) {
    const op = block.ops[i]!;
    const needed = op.outputs.some((o) => live.has(o) || o.persistable);
    if (!needed) {
      removed.add(op);
      continue;
    }
    for (const v of op.inputs) live.add(v);
  }
  block.removeOps(removed);
  block.pruneVars(keep);
  return removed.size;
}
