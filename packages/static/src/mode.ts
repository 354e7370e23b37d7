const PRIM_MODE_KEY = Symbol.for('@primgrad/static.primEnabled');

type ModeHolder = { [PRIM_MODE_KEY]?: boolean };

/**
 * Switches `gradients` and optimizers' `minimize` to the prim mechanism: native ops are
 * lowered to prims, differentiated by linearize and transpose rules, and must be raised with
 * prim2orig before a backend runs the program. The flag is process-wide, kept on globalThis so
 * two copies of this package agree.
 */
export function enablePrim(): void {
  (globalThis as ModeHolder)[PRIM_MODE_KEY] = true;
}

/** Switches `gradients` and `minimize` back to the original mechanism: a vjp rule per native op. */
export function disablePrim(): void {
  (globalThis as ModeHolder)[PRIM_MODE_KEY] = false;
}

export function primEnabled(): boolean {
  return (globalThis as ModeHolder)[PRIM_MODE_KEY] ?? false;
}
