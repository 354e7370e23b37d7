import { ArgumentError, Block } from '@primgrad/ir';
import { prim2orig as raise } from '@primgrad/transforms';
import { defaultMainProgram, registryOf } from './context.js';

/** Raises every prim of `block` (block 0 of the current main program by default) to native ops, in place. */
export function prim2orig(block: Block = defaultMainProgram().globalBlock()): void {
  if (!(block instanceof Block)) {
    throw new ArgumentError(
      `prim2orig takes a block, e.g. prim2orig(main.block(0)); got ${block === null ? 'null' : (block as object)?.constructor?.name ?? typeof block}.`,
    );
  }
  raise(block, registryOf(block.program));
}
