import { inferOutputTypes } from './builder.js';
import { VerifyError } from './errors.js';
import type { Block, Var } from './program.js';
import type { Registry } from './registry.js';

/**
 * Checks a block against the registry: every op is defined and takes its inputs, every output
 * type matches inference, every input is defined before it is read (by an op, or as a data or
 * persistable var), and only persistable vars are written twice. Throws VerifyError listing
 * every problem found.
 */
export function verifyBlock(block: Block, registry: Registry, options: { fed?: Iterable<Var> } = {}): void {
  const problems: string[] = [];
  const defined = new Set<Var>(options.fed ?? []);
  for (const v of block.vars.values()) if (v.isData || v.persistable) defined.add(v);
  const written = new Set<Var>();
  block.ops.forEach((op, i) => {
    const where = `op #${i} '${op.type}'`;
    if (!registry.hasOp(op.type)) {
      problems.push(`${where}: op type is not defined in the registry.`);
      return;
    }
    for (const v of op.inputs) {
      if (v.block !== block) problems.push(`${where}: input '${v.name}' belongs to another block.`);
      else if (!defined.has(v)) problems.push(`${where}: input '${v.name}' is read before any op defines it.`);
    }
    try {
      const types = inferOutputTypes(registry.opDef(op.type), op.inputs, op.attrs, registry.opPlugin(op.type));
      if (types.length !== op.outputs.length) {
        problems.push(`${where}: has ${op.outputs.length} outputs, inference gives ${types.length}.`);
      }
      types.forEach((t, j) => {
        const v = op.outputs[j];
        if (v && (v.dtype !== t.dtype || v.shape.join(',') !== t.shape.join(','))) {
          problems.push(
            `${where}: output '${v.name}' is ${v.dtype}[${v.shape.join(',')}], inference gives ${t.dtype}[${t.shape.join(',')}].`,
          );
        }
      });
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
    }
    for (const v of op.outputs) {
      if (written.has(v) && !v.persistable) problems.push(`${where}: output '${v.name}' is written by an earlier op too.`);
      written.add(v);
      defined.add(v);
    }
  });
  if (problems.length > 0) throw new VerifyError(problems);
}
