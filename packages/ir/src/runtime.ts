import { ArgumentError } from './errors.js';
import type { NDArray } from './ndarray.js';
import type { Block, Var } from './program.js';
import type { Registry } from './registry.js';

/** Values by var name that outlive one run: parameters and optimizer state. */
export class Scope {
  private readonly values = new Map<string, NDArray>();

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Returns the value of `name`, or throws saying to run the startup program or feed it. */
  get(name: string): NDArray {
    const v = this.values.get(name);
    if (!v) {
      throw new ArgumentError(
        `Var '${name}' has no value in this scope. Run the startup program first, or feed it.`,
      );
    }
    return v;
  }

  find(name: string): NDArray | undefined {
    return this.values.get(name);
  }

  set(name: string, value: NDArray): void {
    this.values.set(name, value);
  }

  delete(name: string): void {
    this.values.delete(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}

export interface RunRequest {
  readonly block: Block;
  readonly registry: Registry;
  /** Persistable values are read from and written back to the scope. */
  readonly scope: Scope;
  /** Values for data vars (and any other var the caller sets), by var name. */
  readonly feed: ReadonlyMap<string, NDArray>;
  readonly fetch: readonly Var[];
}

/**
 * A device that runs blocks of native ops. A place whose results live on a device returns a
 * promise; a host place may return them directly.
 */
export interface Place {
  /** The backend name its kernels are registered under in a registry. */
  readonly backend: string;
  run(request: RunRequest): NDArray[] | Promise<NDArray[]>;
}
